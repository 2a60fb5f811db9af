# -*- coding: latin-1 -*-
# A latin-1 source file runs under its coding declaration.
s = "café ÿ"
print(s, len(s), ascii(s))
