# PEP 263: a coding declaration naming any text codec decodes the source through
# the codec registry.
import importlib
import os
import sys
import tempfile

cases = [
    b"# coding: koi8-r\nx = '\xc1\xc2\xd7'\n",
    b"#!/usr/bin/env python\n# -*- coding: cp1252 -*-\nx = '\x80\x93'\n",
    b"# vim: set fileencoding=iso8859_15 :\nx = '\xa4'\n",
    b"# coding=cp437\nx = '\x82\xe1'\n",
    b"# coding: utf-16\nx=1\n",
    b"# coding: nope\nx=1\n",
    b"# coding: rot13\nx=1\n",
    b"# coding: hex\nx=1\n",
    b"\xef\xbb\xbf# coding: koi8-r\nx=1\n",
    b"\xef\xbb\xbf# coding: utf8\nx=1\n",
    b"\xef\xbb\xbf# coding: UTF_8\nx=1\n",
    b"\xef\xbb\xbf# coding: latin-1\nx=1\n",
    b"# coding: ascii\nx='\xff'\n",
    b"x = 1  # coding: koi8-r\ny = 2\n",
]
for c in cases:
    try:
        ns = {}
        exec(compile(c, "<cookie>", "exec"), ns)
        print("ok", ascii(ns.get("x")), ascii(ns.get("y")))
    except SyntaxError as e:
        print(type(e).__name__, e.args, e.lineno, e.offset)

# exec() and eval() of bytes decode the same way.
ns = {}
exec(b"# coding: koi8-r\nz = '\xc1'\n", ns)
print(ascii(ns["z"]))
print(ascii(eval(b"# coding: cp1252\n'\x80'")))
try:
    exec(b"# coding: nope\n")
except SyntaxError as e:
    print(e.args)

# A str source's declaration is ignored.
ns = {}
exec("# coding: koi8-r\nw = '\u0430'\n", ns)
print(ascii(ns["w"]))

# Modules with declarations import.
with tempfile.TemporaryDirectory() as d:
    with open(os.path.join(d, "cookie_koi8.py"), "wb") as f:
        f.write(b"# -*- coding: koi8-r -*-\ntext = '\xf0\xd2\xc9\xd7\xc5\xd4'\n")
    with open(os.path.join(d, "cookie_bad.py"), "wb") as f:
        f.write(b"# coding: no-such-codec\nx = 1\n")
    sys.path.insert(0, d)
    try:
        sys.dont_write_bytecode = True
        m = importlib.import_module("cookie_koi8")
        print(ascii(m.text), m.text.encode("koi8-r"))
        try:
            importlib.import_module("cookie_bad")
        except SyntaxError as e:
            print(type(e).__name__, e.msg, e.lineno)
    finally:
        sys.path.remove(d)
