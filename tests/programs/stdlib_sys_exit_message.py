# sys.exit("message") prints the message to stderr and exits with status 1; atexit-free shutdown.
import sys
def main():
    print("working")
    if len(sys.argv) == 1:
        sys.exit("fatal: stopping with a message")
    print("not reached")
main()
