# Bad input at run time: integer string conversions past the 4300-digit limit,
# closed files, directories opened as files.
import os, sys

def t(label, f):
    try:
        r = f()
        print(label, "->", r if len(repr(r)) < 60 else repr(r)[:60])
    except Exception as e:
        print(label, "->", type(e).__name__, e)

t("int('9'*10**6)", lambda: int('9' * 10**6))
t("str(10**10000)", lambda: str(10**10000))
t("repr(10**5000)", lambda: repr(-10**5000))
t("int 4300", lambda: len(str(int('7' * 4300))))
t("int 4301", lambda: int('7' * 4301))
t("hex ok", lambda: len(hex(10**10000)))
t("int base 16", lambda: int('f' * 5000, 16) > 0)
t("f-string", lambda: f"{10**5000}")
t("format", lambda: format(10**5000, 'd'))
t("% format", lambda: '%d' % 10**5000)
t("get limit", lambda: sys.get_int_max_str_digits())
t("set bad", lambda: sys.set_int_max_str_digits(100))
sys.set_int_max_str_digits(0)
t("unlimited", lambda: len(str(10**10000)))
sys.set_int_max_str_digits(5000)
t("5000", lambda: len(str(10**4999)))
t("5001", lambda: len(str(10**5000)))
sys.set_int_max_str_digits(4300)

d = "errors_bad_input_io_ints.dir"
os.mkdir(d)
path = os.path.join(d, "f.txt")
f = open(path, "w")
f.write("x")
f.close()
t("write closed", lambda: f.write("y"))
t("read closed", lambda: f.read())
t("flush closed", lambda: f.flush())
t("closed", lambda: f.closed)
t("open dir", lambda: open(d))
t("open dir write", lambda: open(d, "w"))
t("open missing", lambda: open(os.path.join(d, "missing")).read())
g = open(path, "rb")
g.close()
t("read closed binary", lambda: g.read())
t("iterate closed", lambda: list(open(path).__iter__()) and next(iter(g)))
t("with closed", lambda: f.__enter__())
os.unlink(path)
os.rmdir(d)
