# case conversion and the is* predicates.
words = ["hello world", "HELLO", "hELLo wORLD", "they're bill's friends", "ß straße", "123abc", "a1b2 c3", "", "ǅungla", "Ǆ"]
for w in words:
    print(repr(w), w.upper(), w.lower(), w.title(), w.capitalize(), w.swapcase(), w.casefold())
tests = ["abc", "ABC", "Abc", "123", "12.3", "½", "²", "٣", "abc123", " ", "\t\n", "", "Title Case", "Not title Case", "_x", "x1", "1x", "def", "ascii", "ü", "Ⅻ"]
for t in tests:
    print(repr(t), t.isalpha(), t.isdigit(), t.isdecimal(), t.isnumeric(), t.isalnum(), t.isspace(),
          t.islower(), t.isupper(), t.istitle(), t.isidentifier(), t.isascii(), t.isprintable())
print("a\x00b".isprintable(), "\u200b".isprintable(), "é".isprintable())
