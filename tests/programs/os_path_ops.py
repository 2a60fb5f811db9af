# os.path string operations and their edge cases.
import os
import os.path
from os import path as p2

print(os.path is p2, os.path.sep, os.sep, os.name, repr(os.linesep), os.curdir, os.pardir)
cases = ["", "a", "/", "//", "///", "a/b", "/a/b/", "a/b/c.txt", ".bashrc", "a/.b.c",
         "a.b/c", "../x.tar.gz", "dir/", "./a//b/../c", "/../a", "a/./b/.", "...",
         "a..b", "/x/y/z.", "tail."]
for c in cases:
    print(repr(c), os.path.split(c), os.path.splitext(c), repr(os.path.basename(c)),
          repr(os.path.dirname(c)), repr(os.path.normpath(c)), os.path.isabs(c))
print(os.path.join("a"), os.path.join("a", "b", "c"), os.path.join("a/", "b"),
      os.path.join("a", "/b", "c"), os.path.join("", "x"), os.path.join("a", ""),
      os.path.join("/", "etc", "passwd"))
print(os.path.join(b"a", b"b"), os.path.split(b"x/y"), os.path.splitext(b"f.py"),
      os.path.basename(b"/q/r"), os.path.normpath(b"a//b/../c"))
for bad in [lambda: os.path.join("a", b"b"), lambda: os.path.join("a", 5),
            lambda: os.path.join(None)]:
    try:
        bad()
    except TypeError as e:
        print("TypeError", e)
cwd = os.getcwd()
print(os.path.abspath("x/y") == os.path.join(cwd, "x", "y"))
print(os.path.abspath("/a/../b/./c"), os.path.abspath(".") == cwd)
print(os.path.commonprefix(["/usr/lib", "/usr/local", "/usr/libexec"]),
      repr(os.path.commonprefix([])))
print(os.path.relpath("/a/b/c", "/a"), os.path.relpath("/a", "/a/b/c"),
      os.path.relpath("/x/y", "/x/y"))
print(os.path.expanduser("no/tilde"), os.path.expanduser("~") == os.environ.get("HOME"))
print(os.path.exists(""), os.path.isfile(""), os.path.isdir("."), os.path.isdir(cwd))
