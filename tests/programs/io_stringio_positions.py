# StringIO positions are in code points; writes past the end pad with NULs;
# overwrites in the middle; newline modes.
import io

s = io.StringIO("héllo wörld ☃")
print(s.read(2), s.tell())
print(s.read(4), s.tell())
s.seek(12)
print(repr(s.read()), s.tell())
s.seek(20)
s.write("!")
print(repr(s.getvalue()), len(s.getvalue()))
s.seek(1)
s.write("EE")
print(repr(s.getvalue()))
s.seek(0)
s.write("ZZZZZZZZZZZZZZZZZZZZZZZZZ")
print(repr(s.getvalue()), s.tell())
s.truncate(3)
print(repr(s.getvalue()), s.tell())
s.write("+")
print(repr(s.getvalue()))

for nl in [None, "", "\n", "\r", "\r\n"]:
    t = io.StringIO(newline=nl)
    t.write("a\nb\r\nc\rd")
    print(repr(nl), repr(t.getvalue()))
    t.seek(0)
    print("   ", t.readlines())

r = io.StringIO("one\ntwo\nthree")
print(repr(r.readline(2)), repr(r.readline(2)), repr(r.readline()), repr(r.readline(100)))
r.seek(0)
print(r.readlines(5))
big = io.StringIO()
for i in range(2000):
    big.write("line %d\n" % i)
v = big.getvalue()
print(len(v), v.count("\n"), v[-10:])
big.seek(0)
print(sum(1 for _ in big))
