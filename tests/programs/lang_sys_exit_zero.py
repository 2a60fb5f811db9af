# SystemExit(0) and exit status from a SystemExit raised inside nested calls and generators.
import sys

def gen():
    yield 1
    sys.exit(0)

for v in gen():
    print("value", v)
print("not reached")
