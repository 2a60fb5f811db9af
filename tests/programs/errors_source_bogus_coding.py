# coding: bogus
# An unknown coding declaration is a SyntaxError.
print(1)
