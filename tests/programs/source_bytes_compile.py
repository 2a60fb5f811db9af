# compile()/exec() of bytes decode them as PEP 263 says; NUL characters are rejected.
exec(b'# coding: latin-1\nprint("\xe9", len("\xe9"))')
exec(b'\xef\xbb\xbfprint("bom")')
exec(b'print(1)\n# coding: bogus\n')
for src in [b'# coding: bogus\nprint(1)', b'x=1\0', 'x=1\0', b'# coding: ascii\nx = "\xe9"',
            b'\xef\xbb\xbf# coding: latin-1\nprint(1)']:
    try:
        compile(src, "f", "exec")
        print("compiled")
    except SyntaxError as e:
        print(type(e).__name__, e.msg)
