# Malformed number and string literals get CPython's specific SyntaxError messages.
cases = ["0xg", "09", "1_000_", "0b2", "0o8", "1__0", "0x_", "1e", "1.e5_", "1_", "0_7",
         "00", "0b", "1.2_", "5j_", "0o", "0x", "1e+", "0777", "0b1_", "x = 0b12",
         "'\\N{BOGUS}'", "'\\x4'", "'\\u12'", "'\\U1234567'", "'\\U00110000'", "b'\\x4'",
         "'ok\\N{DASH}'", "'\\N{EM DASH}'", "x = '\\x4' + 'a'", "x = ('\\u12')", "'\\N'",
         "'\\N{'", "'\\N{}'", "r'\\x4'", "b'\\u12'", "1if 1 else 2", "[0x1for x in y]",
         "1 if 1else 2", "0 in x", "0or 1", "1_0.5_5e1_0j"]
for src in cases:
    try:
        compile(src, "<lit>", "exec")
        print(repr(src), "ok")
    except SyntaxError as e:
        print(repr(src), type(e).__name__, e.msg, e.lineno, e.offset)
print(0x_f, 0o_7, 0b_1, 1_0, 1_0.0_1, 1e1_0, 0_0, 00.5, 0e0, 09.5, 09j, 0_9.1)
print(ascii("\N{EM DASH}\x41\u0042\U00000043"))
