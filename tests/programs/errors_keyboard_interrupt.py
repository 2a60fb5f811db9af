# An uncaught KeyboardInterrupt prints its traceback and ends the process by SIGINT.
def handler_chain():
    try:
        raise KeyboardInterrupt
    finally:
        print("finally ran")
try:
    handler_chain()
except Exception:
    print("not an Exception subclass: never here")
except BaseException as e:
    print("caught", type(e).__name__, isinstance(e, Exception))
handler_chain()
