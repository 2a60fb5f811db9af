# sys.exit with a string: the message goes to stderr and the status is 1. A caught
# SystemExit can be inspected and re-raised.
import sys

try:
    sys.exit(42)
except SystemExit as e:
    print("caught SystemExit with code", e.code, type(e.code).__name__)

try:
    sys.exit()
except SystemExit as e:
    print("no argument gives", e.code)

try:
    raise SystemExit("first", "second")
except SystemExit as e:
    print("tuple code", e.code)

def leave():
    try:
        sys.exit("fatal: giving up")
    except Exception:
        print("Exception does not catch SystemExit")

print("about to leave")
leave()
