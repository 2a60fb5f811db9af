# _locale: setlocale queries and changes, localeconv, nl_langinfo, collation,
# gettext and errors. (The C locale is set first, so the output does not depend
# on the environment.)
import _locale as L


def show(f, *a):
    try:
        print("ok", repr(f(*a)))
    except Exception as e:
        print(type(e).__name__, e)


print(L.setlocale(L.LC_ALL, "C"), L.setlocale(L.LC_NUMERIC), L.setlocale(L.LC_CTYPE, None))
print(sorted(L.localeconv().items()))
for name in ("CODESET", "D_T_FMT", "D_FMT", "T_FMT", "RADIXCHAR", "THOUSEP", "DAY_1", "ABMON_12",
             "YESEXPR", "NOEXPR", "AM_STR", "T_FMT_AMPM", "ERA", "_DATE_FMT"):
    print(name, repr(L.nl_langinfo(getattr(L, name))))
# Only the sign of strcoll is specified (glibc's vectorized wcscmp returns other
# magnitudes when a string sits just below a page boundary).
def sign(n):
    return (n > 0) - (n < 0)
print(sign(L.strcoll("a", "b")), sign(L.strcoll("b", "a")), L.strcoll("x", "x"), L.strxfrm("abc"),
      sorted(["b", "a", "C"], key=L.strxfrm), L.getencoding())
show(L.setlocale, L.LC_ALL, "xx_XX.nothing")
show(L.setlocale, 99)
show(L.setlocale, "x")
show(L.setlocale, L.LC_NUMERIC, 5)
show(L.nl_langinfo, 99999)
show(L.strcoll, "a", 5)
show(L.strxfrm, 5)
show(L.strxfrm, "a\0b")
print(L.gettext("hello"), L.dgettext(None, "hi"), L.dcgettext("dom", "hey", L.LC_MESSAGES),
      L.textdomain(None), L.textdomain("messages"), L.bindtextdomain("x", "/tmp/nothing"))
print(L.Error.__mro__, L.CHAR_MAX, L.LC_ALL, L.LC_CTYPE, L.LC_MESSAGES)
try:
    L.setlocale(L.LC_ALL, "bogus")
except L.Error as e:
    print("caught", e)
