# Set displays whose items are constant expressions iterate in CPython's order: the
# compiler folds the expressions (2 ** 17, -1 - 2, 'a' * 3) as CPython's AST
# optimizer does, so the display becomes the same frozenset constant.
print({99, 2 ** 17, -861695199771932894353157847643, 66})
print({16777216, 75, 9223372036854775807, 36})
print({1 << 40, 3, -1 - 2, 7 // 2, 10 % 3, 2 ** 64, 2 ** 200, 5})
print({'a' * 3, 'b' + 'c', 'zz', 'q'}  == {'aaa', 'bc', 'zz', 'q'})
print({1.5 * 2, 0.25 + 0.5, 7, 2 ** -1, 1 / 4})
print({(1, 2 + 3), (4,), 9 - 10})
print(sorted({2 ** 17, 3}), (2 ** 100, -~5, +7))
x = 3
print({x * 2, 2 ** 17, 99, 1 - 1000})
