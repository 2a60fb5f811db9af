# Binary files: buffered reads and writes, seek whence, tell, truncate, raw FileIO.
import os

NAME = "io_file_binary.tmp"
data = bytes(range(256)) * 40

with open(NAME, "wb") as f:
    print(type(f).__name__, f.mode, f.name)
    print(f.write(data[:100]), f.write(data[100:]), f.tell())
print(os.path.getsize(NAME))

with open(NAME, "rb") as f:
    print(type(f).__name__, f.read(5), f.tell())
    print(f.seek(250), f.read(10))
    print(f.seek(-4, 2), f.read())
    print(f.seek(-10, 1), f.read(3), f.tell())
    f.seek(0)
    print(f.read() == data)
    print(f.read(), f.read(10))
    f.seek(0)
    n = 0
    while True:
        chunk = f.read(1000)
        if not chunk:
            break
        n += len(chunk)
    print("chunks total", n)

with open(NAME, "wb") as f:
    f.write(b"first line\nsecond line\r\nthird")
with open(NAME, "rb") as f:
    print(f.readline(), f.readline(), f.readline(), f.readline())
    f.seek(0)
    print(f.readlines())
    f.seek(0)
    print([line for line in f])
    f.seek(0)
    print(f.readline(4), f.readline(100))

with open(NAME, "r+b") as f:
    print(type(f).__name__, f.mode)
    f.seek(6)
    f.write(b"LINE")
    f.seek(0)
    print(f.read(16))
    print(f.truncate(10), f.tell())
    f.seek(0)
    print(f.read())

with open(NAME, "ab") as f:
    print(f.tell())
    f.write(b"+more")
with open(NAME, "rb") as f:
    print(f.read())

with open(NAME, "rb", buffering=0) as f:
    print(type(f).__name__, f.mode, f.closefd, f.read(4), f.readall())
with open(NAME, "wb", buffering=0) as f:
    print(f.write(b"raw bytes"))
with open(NAME, "rb") as f:
    print(f.read(), f.raw.mode, f.readable(), f.writable(), f.seekable())

os.remove(NAME)
print(os.path.exists(NAME))
