# The standard streams as file objects; input() and stdin at end of input (the
# harness runs programs with no input).
import sys

print(type(sys.stdout).__name__, sys.stdout.name, sys.stdout.mode, sys.stdout.encoding)
print(type(sys.stderr).__name__, sys.stderr.name, sys.stderr.errors)
print(type(sys.stdin).__name__, sys.stdin.name, sys.stdin.mode)
print(sys.stdout.fileno(), sys.stderr.fileno(), sys.stdin.fileno())
print(sys.stdout.writable(), sys.stdout.readable(), sys.stdin.readable())
print(sys.stdout is sys.__stdout__, sys.stderr is sys.__stderr__, sys.stdin is sys.__stdin__)
n = sys.stdout.write("written directly\n")
print(n)
sys.stdout.writelines(["one ", "two\n"])
sys.stdout.flush()
sys.stdout.buffer.write(b"through the buffer\n")
sys.stdout.buffer.flush()
sys.stderr.write("to stderr\n")
sys.stderr.flush()
print(repr(sys.stdin.readline()), repr(sys.stdin.read()), list(sys.stdin))
try:
    input("a prompt> ")
except EOFError as e:
    print()
    print("EOFError", e)
try:
    input()
except EOFError as e:
    print("EOFError again", e)
try:
    sys.stdout.read()
except Exception as e:
    print(type(e).__name__, e)
try:
    sys.stdin.write("x")
except Exception as e:
    print(type(e).__name__, e)
try:
    input("a", "b")
except TypeError as e:
    print("TypeError", e)
print("done", flush=True)
