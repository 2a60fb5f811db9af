# CPython's tempfile, shutil and glob over strand's os/posix and _io: temporary files and directories, copying, moving, trees, disk usage, globbing.
import glob, os, shutil, stat, tempfile

d = tempfile.mkdtemp(prefix="strand-")
print(os.path.basename(d).startswith("strand-"), oct(os.stat(d).st_mode & 0o777), tempfile.gettempdir() == os.path.dirname(d))
fd, name = tempfile.mkstemp(suffix=".dat", dir=d)
os.write(fd, b"mkstemp data")
os.close(fd)
print(name.endswith(".dat"), oct(os.stat(name).st_mode & 0o777), open(name, "rb").read())

with tempfile.NamedTemporaryFile("w+", dir=d, suffix=".txt") as f:
    f.write("named temporary")
    f.seek(0)
    print(f.read(), os.path.exists(f.name), f.name.endswith(".txt"), os.path.dirname(f.name) == d)
    named = f.name
print(os.path.exists(named))
with tempfile.TemporaryFile(dir=d) as f:
    f.write(b"anonymous")
    f.seek(0)
    print(f.read(), sorted(os.listdir(d)) == [os.path.basename(name)])
with tempfile.SpooledTemporaryFile(max_size=10) as f:
    f.write(b"small")
    print(f._rolled, f.tell())
    f.write(b" then larger than ten")
    f.seek(0)
    print(f._rolled, f.read())
with tempfile.TemporaryDirectory(dir=d) as td:
    open(os.path.join(td, "x"), "w").close()
    print(os.path.isdir(td), os.listdir(td))
print(os.path.exists(td))

# shutil.
src = os.path.join(d, "src")
os.makedirs(os.path.join(src, "inner"))
for rel, text in [("a.txt", "alpha"), ("b.py", "beta"), ("inner/c.txt", "gamma")]:
    with open(os.path.join(src, rel), "w") as f:
        f.write(text)
os.chmod(os.path.join(src, "a.txt"), 0o640)
dst = shutil.copy(os.path.join(src, "a.txt"), os.path.join(d, "a-copy.txt"))
print(os.path.basename(dst), open(dst).read(), oct(os.stat(dst).st_mode & 0o777))
shutil.copy2(os.path.join(src, "a.txt"), os.path.join(d, "a-copy2.txt"))
print(os.stat(os.path.join(d, "a-copy2.txt")).st_mtime_ns == os.stat(os.path.join(src, "a.txt")).st_mtime_ns)
shutil.copyfile(os.path.join(src, "b.py"), os.path.join(d, "b-copy.py"))
with open(os.path.join(src, "b.py"), "rb") as fs, open(os.path.join(d, "stream"), "wb") as fd2:
    shutil.copyfileobj(fs, fd2)
print(open(os.path.join(d, "stream")).read())
tree = shutil.copytree(src, os.path.join(d, "tree"), ignore=shutil.ignore_patterns("*.py"))
print(sorted(os.path.relpath(os.path.join(r, f), tree) for r, _, fs in os.walk(tree) for f in fs))
shutil.move(os.path.join(d, "tree"), os.path.join(d, "moved"))
print(os.path.exists(os.path.join(d, "tree")), sorted(os.listdir(os.path.join(d, "moved"))))
try:
    shutil.copytree(src, os.path.join(d, "moved"))
except FileExistsError as e:
    print("FileExistsError", e.errno)
shutil.rmtree(os.path.join(d, "moved"))
print(os.path.exists(os.path.join(d, "moved")))
try:
    shutil.rmtree(os.path.join(d, "nothing"))
except FileNotFoundError as e:
    print("FileNotFoundError", e.errno)
shutil.rmtree(os.path.join(d, "nothing"), ignore_errors=True)
u = shutil.disk_usage(d)
print(type(u).__name__, u.total >= u.used >= 0, u.free > 0)
print(shutil.which("sh") is not None, shutil.which("surely-not-a-command-xyz"))
print(shutil.get_terminal_size((77, 11)) if "COLUMNS" not in os.environ else "env")

# glob.
os.chdir(src)
print(sorted(glob.glob("*")), sorted(glob.glob("*.txt")), sorted(glob.glob("**/*.txt", recursive=True)))
print(sorted(glob.glob("inner/?.txt")), glob.glob("nomatch*"), sorted(glob.iglob("[ab].*")), glob.escape("a[b]*"))
print(sorted(glob.glob("*", root_dir=src)), sorted(glob.glob("*.txt", dir_fd=os.open(".", os.O_RDONLY))))
os.chdir("/")
shutil.rmtree(d)
print(os.path.exists(d))
