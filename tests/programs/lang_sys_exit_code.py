# sys.exit with an int status after output; finally blocks and __exit__ still run on the way out.
import sys

class Guard:
    def __enter__(self):
        return self
    def __exit__(self, *exc):
        print("guard exit sees", exc[0].__name__)
        return False

def main():
    try:
        with Guard():
            print("exiting with 3")
            sys.exit(3)
    finally:
        print("finally runs")

main()
print("not reached")
