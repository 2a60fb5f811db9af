# CPython's os module over strand's posix: environment (bytes posix.environ), process facts, pipes and dup, wait-status decoding, structseq results.
import os, sys

print(os.name, os.sep, os.pathsep, os.linesep == "\n", os.curdir, os.pardir, os.devnull)
print(type(os.environ).__name__, isinstance(os.environ["PATH"], str), isinstance(os.environb[b"PATH"], bytes))
os.environ["STRAND_TEST_VAR"] = "value"
print(os.getenv("STRAND_TEST_VAR"), os.environb[b"STRAND_TEST_VAR"], "STRAND_TEST_VAR" in os.environ)
os.environb[b"STRAND_B"] = b"bytes"
print(os.environ["STRAND_B"])
del os.environ["STRAND_TEST_VAR"]
print(os.getenv("STRAND_TEST_VAR", "gone"), os.environ.pop("STRAND_B"), "STRAND_B" in os.environ)
try:
    os.environ["BAD=NAME"] = "x"
except ValueError as e:
    print("ValueError", e)
try:
    os.environ[1] = "x"
except TypeError as e:
    print("TypeError", e)
print(os.get_exec_path(env={"PATH": "/a:/b"}))
print(os.fsencode("abc"), os.fsdecode(b"abc"), os.fspath("p"), os.fspath(b"p"))
class P:
    def __fspath__(self): return "from-fspath"
print(os.fspath(P()), os.path.join(P(), "x"))
try:
    os.fspath(1)
except TypeError as e:
    print("TypeError", e)

print(os.getpid() > 0, os.getppid() > 0, os.getuid() >= 0, os.geteuid() >= 0, os.getgid() >= 0, os.getegid() >= 0)
print(os.cpu_count() >= 1, type(os.getcwd()).__name__, type(os.getcwdb()).__name__, os.getcwdb() == os.fsencode(os.getcwd()))
u = os.uname()
print(type(u).__name__, len(u), u.sysname, u[0] == u.sysname, u._fields if hasattr(u, "_fields") else u.__match_args__)
t = os.times()
print(type(t).__name__, len(t), all(isinstance(x, float) for x in t), t.__match_args__)
print(os.terminal_size((80, 24)), os.terminal_size((80, 24)).columns)
try:
    os.get_terminal_size(os.open(os.devnull, os.O_RDONLY))
except OSError as e:
    print("OSError", e.errno)
old = os.umask(0o22)
print(oct(os.umask(old)))
print(len(os.urandom(16)), os.urandom(0))
print(os.strerror(2), os.sysconf("SC_PAGESIZE") > 0, os.sysconf_names["SC_PAGESIZE"] == os.sysconf_names["SC_PAGE_SIZE"])

r, w = os.pipe()
print(os.get_inheritable(r), os.get_blocking(r))
os.write(w, b"through the pipe")
d = os.dup(r)
print(os.read(d, 7), os.read(r, 100))
os.set_blocking(r, False)
print(os.get_blocking(r))
try:
    os.read(r, 1)
except BlockingIOError as e:
    print("BlockingIOError", e.errno)
os.set_inheritable(d, True)
print(os.get_inheritable(d))
x = os.dup2(w, d)
print(x == d, os.get_inheritable(d))
os.write(d, b"dup2")
os.set_blocking(r, True)
print(os.read(r, 10))
for fd in (r, w, d):
    os.close(fd)
print(os.isatty(r) if False else "closed")

for status in [0, 1 << 8, 3 << 8, 9, 15, 0x7f | (19 << 8), 0xffff]:
    print(status, os.WIFEXITED(status), os.WEXITSTATUS(status), os.WIFSIGNALED(status), os.WTERMSIG(status),
          os.WIFSTOPPED(status), os.WSTOPSIG(status), os.WIFCONTINUED(status))
print(os.waitstatus_to_exitcode(3 << 8), os.waitstatus_to_exitcode(9))
try:
    os.waitstatus_to_exitcode(0x7f | (19 << 8))
except ValueError as e:
    print("ValueError", e)
try:
    os.waitpid(-1, os.WNOHANG)
except ChildProcessError as e:
    print("ChildProcessError", e.errno)
print(os.O_RDONLY, os.O_WRONLY, os.O_RDWR, os.O_CREAT, os.O_EXCL, os.O_TRUNC, os.O_APPEND, os.O_NONBLOCK, os.O_CLOEXEC)
print(os.F_OK, os.R_OK, os.W_OK, os.X_OK, os.SEEK_SET, os.SEEK_CUR, os.SEEK_END, os.WNOHANG, os.EX_OK)
print(os.error is OSError, os.path.__name__, sys.modules["os.path"] is os.path)
