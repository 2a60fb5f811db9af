# binascii: base64, hex, uu, quoted-printable and the CRCs, with CPython's errors.
import binascii as b


def show(f, *a, **k):
    try:
        print("ok", repr(f(*a, **k)))
    except Exception as e:
        print(type(e).__name__, e)


samples = [b"", b"a", b"ab", b"abc", b"abcd", bytes(range(256)), b"hello world\n" * 7]
for s in samples:
    e = b.b2a_base64(s)
    print(e[:40], b.a2b_base64(e) == s, b.b2a_base64(s, newline=False)[-2:])
    h = b.hexlify(s)
    print(h[:40], b.unhexlify(h) == s, b.a2b_hex(h.decode()) == s)
    if len(s) <= 45:
        u = b.b2a_uu(s)
        print(u[:40], b.a2b_uu(u) == s, b.b2a_uu(s, backtick=True)[:20])
    q = b.b2a_qp(s)
    print(q[:60], b.a2b_qp(q) == s)
    print(b.crc32(s), b.crc32(s, 12345), b.crc_hqx(s, 0), b.crc_hqx(s, 0xffff))

# base64 leniency and strict mode.
for data in [b"abc", b"ab=c", b"a", b"abcde", b"ab===", b"a===", b"YW Jj\n", b"YWJj!!",
             "YWJj", b"YQ==YWJj", b"abcd=", b"ab==", b"=ab"]:
    show(b.a2b_base64, data)
    show(b.a2b_base64, data, strict_mode=True)
show(b.a2b_base64, "é")
show(b.a2b_base64, 5)
show(b.a2b_base64)
show(b.a2b_base64, b"", b"")
show(b.a2b_base64, b"", bogus=1)
show(b.b2a_base64, "abc")

# hex.
show(b.a2b_hex, b"abc")
show(b.a2b_hex, b"zz")
show(b.a2b_hex, "é")
show(b.unhexlify, hexstr="0aFF")
show(b.b2a_hex, b"\x01\x02\x03", "-")
show(b.b2a_hex, b"\x01\x02\x03", "-", -2)
show(b.b2a_hex, b"\x01\x02\x03", b"--")
show(b.b2a_hex, b"\x01\x02\x03", 5)
show(b.hexlify, b"\x01\x02\x03\x04\x05", b":", 2)
show(b.hexlify, b"\x01\x02\x03\x04\x05", b":", -2)
show(b.hexlify, b"\x01\x02\x03\x04\x05", sep=b":", bytes_per_sep=10)
show(b.b2a_hex)
show(b.b2a_hex, "abc")

# uuencode.
show(b.b2a_uu, b"x" * 46)
show(b.b2a_uu, b"", backtick=True)
show(b.a2b_uu, b"#86)C\n")
show(b.a2b_uu, b"")
show(b.a2b_uu, b"\x7f")
show(b.a2b_uu, b"!!!!!!!!!!")
show(b.a2b_uu, b"#86)C  \n")
show(b.a2b_uu, b"#8\x01)C")

# quoted-printable.
show(b.a2b_qp, b"=41=\nb=4")
show(b.a2b_qp, b"a=\r\nb==c=zz_x", header=True)
show(b.b2a_qp, b"h\xe9llo \tx\n.")
show(b.b2a_qp, b"a b", quotetabs=True, header=True)
show(b.b2a_qp, b"line one \r\nline_two\t\r\n", istext=True)
show(b.b2a_qp, b"a\nb\r", istext=False)
show(b.b2a_qp, b"x" * 200)
show(b.b2a_qp, (b"y" * 74 + b"=") * 2)

# CRCs.
show(b.crc32, b"hello", 2**40)
show(b.crc32, b"hello", -1)
show(b.crc32, "hello")
show(b.crc32)
show(b.crc_hqx, b"hello")
show(b.crc_hqx, b"hello", 2**20 + 5)

print(b.Error.__mro__, b.Incomplete.__mro__, b.Error.__module__)
try:
    b.a2b_hex(b"1")
except ValueError as e:
    print("caught", type(e).__name__, e)
for f in (b.a2b_hex, b.unhexlify, b.a2b_uu):
    show(f)
    show(f, b"", b"")
show(b.b2a_uu, b"", x=1)
show(b.b2a_uu, b"", b"")
show(b.a2b_qp)
