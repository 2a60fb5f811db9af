# sys.exit(n) at top level: output so far is flushed, finally blocks run, the exit status is n.
import sys
print("before exit")
try:
    sys.exit(3)
finally:
    print("finally runs")
print("not reached")
