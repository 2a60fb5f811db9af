# CPython's os module over strand's posix: stat results, directories, scandir/DirEntry, links, modes, times, descriptors, dir_fd, errors.
import os, stat, tempfile

base = tempfile.mkdtemp()
os.chdir(base)

# Files through descriptors.
fd = os.open("f.txt", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
print(os.write(fd, b"hello world\n"), os.get_inheritable(fd))
os.close(fd)
fd = os.open("f.txt", os.O_RDONLY)
print(os.read(fd, 5), os.lseek(fd, 0, os.SEEK_CUR), os.lseek(fd, -3, os.SEEK_END))
print(os.read(fd, 100), os.read(fd, 100))
st = os.fstat(fd)
os.close(fd)
try:
    os.close(fd)
except OSError as e:
    print(type(e).__name__, e.errno, e.strerror)

# stat_result.
st2 = os.stat("f.txt")
print(type(st2).__name__, type(st2).__module__, len(st2), st2.n_fields, st2.n_sequence_fields, st2.n_unnamed_fields)
print(st2.__match_args__)
print(st2.st_size, st2[stat.ST_SIZE], stat.S_ISREG(st2.st_mode), stat.S_IMODE(st2.st_mode) == 0o644 & ~0o022 or stat.S_IMODE(st2.st_mode))
print(type(st2.st_mtime).__name__, type(st2[8]).__name__, type(st2.st_mtime_ns).__name__, st2[8] == int(st2.st_mtime))
print(st2.st_ino == st.st_ino, st2.st_dev == st.st_dev, st2.st_nlink, st2.st_blksize > 0, st2.st_blocks >= 0)
print(repr(st2).startswith("os.stat_result(st_mode="), "st_ctime=" in repr(st2), "st_ctime_ns" in repr(st2))

# Times.
os.utime("f.txt", (1_000_000_000, 1_000_000_001.5))
s = os.stat("f.txt")
print(s.st_atime, s.st_mtime, s.st_mtime_ns, s[8])
os.utime("f.txt", ns=(5_000_000_123, 6_000_000_456))
s = os.stat("f.txt")
print(s.st_atime_ns, s.st_mtime_ns)
try:
    os.utime("f.txt", (1, 2), ns=(1, 2))
except ValueError as e:
    print("ValueError", e)

# Modes and access.
os.chmod("f.txt", 0o600)
print(oct(stat.S_IMODE(os.stat("f.txt").st_mode)), os.access("f.txt", os.R_OK), os.access("missing", os.F_OK))

# Directories.
os.makedirs("a/b/c")
os.makedirs("a/b/c", exist_ok=True)
try:
    os.makedirs("a/b/c")
except FileExistsError as e:
    print("FileExistsError", e.errno, e.filename)
for n in ["a/x.txt", "a/b/y.txt", "a/b/c/z.txt"]:
    with open(n, "w") as f:
        f.write(n)
print(sorted(os.listdir("a")), sorted(os.listdir(b"a")))
for root, dirs, files in os.walk("a"):
    dirs.sort()
    print(root, dirs, sorted(files))
for root, dirs, files in os.walk("a", topdown=False):
    print("up", root)

with os.scandir("a") as it:
    entries = sorted(it, key=lambda e: e.name)
for e in entries:
    print(repr(e), e.name, e.path, e.is_dir(), e.is_file(), e.is_symlink(), os.fspath(e), e.inode() == os.stat(e.path).st_ino)
print(entries[1].stat().st_size, type(entries[0]).__name__, os.DirEntry is type(entries[0]))
print(sorted(e.name for e in os.scandir()))
print([e.path for e in os.scandir(b"a/b") if e.is_file()])

# Links.
os.symlink("f.txt", "link")
os.link("f.txt", "hard")
print(os.readlink("link"), os.path.islink("link"), os.stat("hard").st_nlink, os.lstat("link").st_size)
e = [e for e in os.scandir(".") if e.name == "link"][0]
print(e.is_symlink(), e.is_file(), e.is_file(follow_symlinks=False), e.stat(follow_symlinks=False).st_size)
os.symlink("nowhere", "dangling")
e = [e for e in os.scandir(".") if e.name == "dangling"][0]
print(e.is_symlink(), e.is_file(), e.is_dir(), os.path.exists("dangling"), os.path.lexists("dangling"))

# dir_fd and fd-based calls.
dfd = os.open("a", os.O_RDONLY | os.O_DIRECTORY)
print(os.stat("x.txt", dir_fd=dfd).st_size, sorted(os.listdir(dfd)))
fd = os.open("new.txt", os.O_WRONLY | os.O_CREAT, dir_fd=dfd)
os.close(fd)
os.rename("new.txt", "renamed.txt", src_dir_fd=dfd, dst_dir_fd=dfd)
print(sorted(e.name for e in os.scandir(dfd)), os.path.exists("a/renamed.txt"))
os.unlink("renamed.txt", dir_fd=dfd)
os.mkdir("d2", dir_fd=dfd)
os.rmdir("d2", dir_fd=dfd)
os.close(dfd)
print(os.stat in os.supports_dir_fd, os.scandir in os.supports_fd, os.stat in os.supports_follow_symlinks)

# Renames, truncation, removal.
os.rename("f.txt", "g.txt")
os.replace("g.txt", "h.txt")
os.truncate("h.txt", 4)
print(open("h.txt", "rb").read(), os.path.getsize("h.txt"))
for p in ["h.txt", "link", "hard", "dangling"]:
    os.remove(p)
os.removedirs("a/b/c") if False else None

# Errors carry CPython's messages and file names.
for call in [lambda: os.stat("nope"), lambda: os.listdir("nope"), lambda: os.rmdir("a"),
             lambda: os.rename("nope", "other"), lambda: os.mkdir("a"), lambda: os.scandir("nope"),
             lambda: os.open("nope", os.O_RDONLY), lambda: os.readlink("a"), lambda: os.unlink("a")]:
    try:
        call()
    except OSError as e:
        print(type(e).__name__, e)
for bad in [lambda: os.stat(1.5), lambda: os.stat(None), lambda: os.listdir(3.0), lambda: os.open("x\0y", 0)]:
    try:
        bad()
    except (TypeError, ValueError) as e:
        print(type(e).__name__, e)

import shutil
os.chdir("/")
shutil.rmtree(base)
print(os.path.exists(base))
