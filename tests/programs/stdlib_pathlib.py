# CPython's pathlib over strand's os/posix: pure path operations, and a directory tree built, listed, globbed, read, renamed and removed.
import os, pathlib, tempfile
from pathlib import Path, PurePosixPath

p = PurePosixPath("/usr/lib/python3.11/os.py")
print(p.name, p.suffix, p.stem, p.parent, p.parts, p.anchor, p.is_absolute())
print(p.with_suffix(".pyc"), p.with_name("x.py"), p.relative_to("/usr"), p.match("*.py"), PurePosixPath("a") / "b" / "c")
print(PurePosixPath("a/b/../c"), PurePosixPath("//x"), PurePosixPath("a", "/b"), PurePosixPath("a/b").joinpath("c", "d"))
print(sorted([PurePosixPath("b"), PurePosixPath("a/c"), PurePosixPath("a")]), PurePosixPath("a") == PurePosixPath("a/"))
print(repr(Path("x/y")), os.fspath(Path("x")), bytes(PurePosixPath("x/y")), str(Path(".")))

base = Path(tempfile.mkdtemp())
os.chdir(base)
root = Path("tree")
(root / "pkg" / "sub").mkdir(parents=True)
(root / "pkg" / "__init__.py").write_text("# init\n")
(root / "pkg" / "mod.py").write_text("x = 1\n")
(root / "pkg" / "sub" / "data.txt").write_bytes(b"\x00\x01data")
(root / "README").write_text("readme\n", encoding="utf-8")
print(sorted(str(c) for c in root.iterdir()))
print(sorted(str(c) for c in root.glob("**/*.py")))
print(sorted(str(c) for c in root.rglob("*")))
print(sorted(str(c.relative_to(root)) for c in root.glob("pkg/*")))
print((root / "README").read_text(), (root / "pkg/sub/data.txt").read_bytes())
print((root / "pkg").is_dir(), (root / "README").is_file(), (root / "nope").exists(), (root / "README").stat().st_size)
print(root.resolve() == base.resolve() / "tree", Path.cwd().resolve() == base.resolve(), root.absolute().is_absolute())
(root / "README").rename(root / "README.md")
(root / "README.md").replace(root / "README.txt")
print(sorted(c.name for c in root.iterdir()))
link = root / "link"
link.symlink_to("README.txt")
print(link.is_symlink(), link.resolve().name, link.readlink() if hasattr(link, "readlink") else None, link.read_text())
link.unlink()
(root / "touched").touch()
(root / "touched").touch(exist_ok=True)
try:
    (root / "touched").touch(exist_ok=False)
except FileExistsError as e:
    print("FileExistsError", e.errno)
(root / "touched").chmod(0o640)
print(oct((root / "touched").stat().st_mode & 0o777))
with (root / "touched").open("a") as f:
    f.write("appended")
print((root / "touched").read_text())
try:
    (root / "missing.txt").read_text()
except FileNotFoundError as e:
    print("FileNotFoundError", e.strerror, e.filename)
try:
    (root / "pkg").rmdir()
except OSError as e:
    print(type(e).__name__, e.errno)
(root / "touched").unlink()
(root / "touched").unlink(missing_ok=True)
print(sorted(str(c.relative_to(root)) for c in root.rglob("*.py")))
print(Path("~").expanduser() == Path(os.path.expanduser("~")), Path("tree").samefile("tree/pkg/.."))

import shutil
os.chdir("/")
shutil.rmtree(base)
print(base.exists())
