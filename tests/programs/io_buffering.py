# Many small writes (buffered), lines that straddle buffer boundaries, \r\n split
# across reads, writes seen by another handle only after flush.
import os

NAME = "io_buffering.tmp"

with open(NAME, "w") as f:
    for i in range(5000):
        f.write("%d," % i)
        if i % 97 == 0:
            f.write("\n")
with open(NAME) as f:
    content = f.read()
print(len(content), content.count("\n"), content[:20], content[-10:])
with open(NAME) as f:
    lines = f.readlines()
print(len(lines), sum(len(x) for x in lines), lines[1][:12])

long_line = "x" * 10000 + "\r\n" + "y" * 8191 + "\r" + "z" * 3 + "\n"
with open(NAME, "w", newline="") as f:
    f.write(long_line)
with open(NAME) as f:
    got = [len(line) for line in f]
print(got)
with open(NAME, newline="") as f:
    print([len(line) for line in f])
with open(NAME, "rb") as f:
    print([len(line) for line in f])

w = open(NAME, "w")
w.write("pending")
r = open(NAME)
print(repr(r.read()))
w.flush()
print(repr(r.read()))
w.write(" more")
w.close()
print(repr(r.read()))
r.close()

with open(NAME, "wb") as f:
    for i in range(3000):
        f.write(bytes([i % 256]))
print(os.path.getsize(NAME))
with open(NAME, "rb") as f:
    total = 0
    for block in iter(lambda: f.read(777), b""):
        total += sum(block)
print(total)
os.remove(NAME)
