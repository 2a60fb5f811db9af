# A source file that is not UTF-8 and declares no encoding is a SyntaxError.
print("café")
