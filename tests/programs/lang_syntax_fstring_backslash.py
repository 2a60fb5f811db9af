# Python 3.11 does not allow a backslash inside an f-string expression (3.12 does):
# a SyntaxError reported at the token after the string.
name = "x"
print("before")
message = f"{name!r}{'\n'.join([name])}" + name
