# input() and sys.stdin with a standard input (io_input_stdin.stdin): prompts go to
# stdout, the newline is stripped, the rest is read by line and by iteration.
import sys

name = input("name? ")
print()
print(repr(name))
label, value = input().split(": ")
print(label, int(value) * 2)
print(repr(input("> ")))
print(repr(sys.stdin.readline()))
print(repr(sys.stdin.readline(3)), repr(sys.stdin.readline()))
rest = [line for line in sys.stdin]
print(rest)
print(repr(sys.stdin.readline()), repr(sys.stdin.read()))
try:
    input("more? ")
except EOFError as e:
    print()
    print("EOFError:", e)
print(sys.stdin.closed, sys.stdin.isatty(), sys.stdin.readable())
