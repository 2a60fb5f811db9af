# Final sigma in lower, capitalize, title and swapcase (Unicode's Final_Sigma condition, CPython's handle_capital_sigma)
for s in ['AͅΣ', 'aΣ', 'Σ', 'ΣΣ', 'aΣ.', "aΣ'b", 'aΣ b', 'A\u0345\u03a3', 'a\u03a3\u0345', 'AΣ ᾩXY', 'ΑΣΟΣ ΛΟΓΟΣ.', "ΆΣ'Σ"]:
    print(repr(s.lower()), repr(s.capitalize()), repr(s.title()), repr(s.swapcase()))
import sys
