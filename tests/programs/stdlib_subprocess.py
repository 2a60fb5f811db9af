# subprocess on _posixsubprocess.fork_exec: run, check_output, return codes,
# exec failures, stdin piping, env=, cwd=, communicate, timeouts, pass_fds.
import os
import subprocess
import sys

r = subprocess.run(["echo", "hello", "world"], capture_output=True)
print(r.returncode, r.stdout, r.stderr)
print(subprocess.check_output(["sh", "-c", "echo $GREETING"], env={"GREETING": "bonjour"}))
print(subprocess.run(["pwd"], cwd="/", capture_output=True, text=True).stdout, end="")
print(subprocess.run(["cat"], input=b"piped data", capture_output=True).stdout)
print(subprocess.run(["tr", "a-z", "A-Z"], input="text mode\n", capture_output=True, text=True).stdout, end="")
print(subprocess.run(["sh", "-c", "exit 3"]).returncode)
print(subprocess.call(["true"]), subprocess.call(["false"]))
print(subprocess.run(["sh", "-c", "kill -9 $$"]).returncode)

for bad in (["/nonexistent/program"], ["no-such-program-anywhere"]):
    try:
        subprocess.run(bad)
    except FileNotFoundError as e:
        print(type(e).__name__, e.errno, e.strerror, e.filename)
try:
    subprocess.run(["ls"], cwd="/nonexistent/dir")
except FileNotFoundError as e:
    print(type(e).__name__, e.errno, e.filename)
try:
    subprocess.run(["/etc/passwd"])
except PermissionError as e:
    print(type(e).__name__, e.errno, e.filename)
try:
    subprocess.check_call(["false"])
except subprocess.CalledProcessError as e:
    print(e)
try:
    subprocess.check_output(["sh", "-c", "echo partial; exit 2"])
except subprocess.CalledProcessError as e:
    print(e.returncode, e.output)

p = subprocess.Popen(["sh", "-c", "echo out; echo err >&2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
out, err = p.communicate()
print(out, err, p.returncode, p.poll())
p = subprocess.Popen(["sh", "-c", "echo both; echo again >&2"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
print(sorted(p.communicate()[0].split()), p.wait())
p = subprocess.Popen(["cat"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
p.stdin.write(b"line one\nline two\n")
p.stdin.close()
print(p.stdout.read())
p.stdout.close()
print(p.wait())

try:
    subprocess.run(["sleep", "5"], timeout=0.2)
except subprocess.TimeoutExpired as e:
    print("TimeoutExpired", e.cmd)

print(subprocess.getoutput("echo getoutput"), subprocess.getstatusoutput("exit 4"))
print(subprocess.run("echo $((6 * 7))", shell=True, capture_output=True).stdout)

# pass_fds keeps a pipe open in the child; other descriptors are closed.
rfd, wfd = os.pipe()
r = subprocess.run(["sh", "-c", f"echo via-fd >&{wfd}"], pass_fds=[wfd])
os.close(wfd)
print(r.returncode, os.read(rfd, 100))
os.close(rfd)
rfd, wfd = os.pipe()
r = subprocess.run(["sh", "-c", f"echo x >&{wfd}"], stderr=subprocess.DEVNULL)
print(r.returncode != 0)
os.close(rfd)
os.close(wfd)

r = subprocess.run([sys.executable, "-c", "import sys; print(sys.argv[1:])", "a b", "c"], capture_output=True, text=True)
print(r.stdout, end="")
