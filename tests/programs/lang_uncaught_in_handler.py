# An exception raised while handling another (implicit context) and never caught.
def cleanup(resource):
    raise OSError(f"cannot release {resource}")

def work():
    try:
        {}["key"]
    except KeyError:
        print("handling KeyError")
        cleanup("lock")

work()
