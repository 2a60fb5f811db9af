# An uncaught exception inside nested calls: traceback and exit status 1.
def inner(d):
    return d["missing"]

def outer():
    data = {"present": 1}
    return inner(data)

print("before")
outer()
print("not reached")
