# Text files: write, read back by size, by line, by iteration; universal newlines;
# tell/seek cookies; the telling restriction during iteration.
import os

NAME = "io_file_text.tmp"

with open(NAME, "w") as f:
    print(f.write("alpha\n"), f.write("beta\r\ngamma\rdelta\n"), f.write("no newline"))
    print(f.name, f.mode, f.encoding, f.closed, f.writable(), f.readable())
print(f.closed)

with open(NAME) as f:
    print(repr(f.read()))
with open(NAME, newline="") as f:
    print(repr(f.read()))
    f.seek(0)
    print(f.readlines())
with open(NAME, newline="\n") as f:
    print(f.readlines())
with open(NAME, newline="\r") as f:
    print(f.readlines())
with open(NAME, newline="\r\n") as f:
    print(f.readlines())
with open(NAME, "rb") as f:
    print(f.read())

with open(NAME) as f:
    print(repr(f.read(3)), f.tell())
    print(repr(f.readline()), f.tell())
    pos = f.tell()
    print(repr(f.readline()), repr(f.readline(3)), repr(f.readline()))
    f.seek(pos)
    print(repr(f.read(5)))
    print(f.seek(0, 2), repr(f.read()), f.tell())
    f.seek(0)
    for i, line in enumerate(f):
        print(i, repr(line))
        if i == 1:
            try:
                f.tell()
            except OSError as e:
                print("tell during iteration:", e)
    print("after loop", f.tell())

with open(NAME, "a") as f:
    print(f.tell())
    f.write("\nappended\n")
with open(NAME) as f:
    lines = f.readlines()
print(len(lines), lines[-2:])

with open(NAME, "r+") as f:
    f.write("ALPHA")
    f.seek(0)
    print(repr(f.readline()))
    print(repr(f.read(4)))
    f.seek(0, 2)
    f.write("tail\n")
with open(NAME) as f:
    print(f.read().splitlines()[-1])

with open(NAME, "w+") as f:
    f.write("fresh\nfile\n")
    f.seek(0)
    print(f.read())
    print(f.truncate(3), f.tell())
with open(NAME) as f:
    print(repr(f.read()))

with open(NAME, "w") as f:
    f.writelines(["x\n", "y\n", "z"])
with open(NAME) as f:
    print(list(f))
    print(repr(f.read()), repr(f.readline()))

os.remove(NAME)
print(os.path.exists(NAME))
