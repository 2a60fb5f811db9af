# An exception escaping a generator that is consumed by a for loop; the traceback runs
# through the generator frame. Exit status 1.
def numbers():
    yield 1
    yield 2
    raise ValueError("generator ran dry")

total = 0
for n in numbers():
    total += n
    print("got", n, "total", total)
print("not reached")
