# Unpacking a list that another thread keeps replacing sees one whole state of it:
# the interpreter (UNPACK_SEQUENCE_LIST) and the JIT (list_unpack) copy the items
# under one hold of the list's critical section.
import threading
shared = [0, 0, 0]
stop = False


def writer():
    k = 0
    while not stop:
        k += 1
        shared[:] = [k, k, k]


def reader(out):
    torn = 0
    for _ in range(20000):
        a, b, c = shared
        if not (a == b == c):
            torn += 1
    out.append(torn)


results = []
w = threading.Thread(target=writer)
w.start()
readers = [threading.Thread(target=reader, args=(results,)) for _ in range(3)]
for t in readers:
    t.start()
for t in readers:
    t.join()
stop = True
w.join()
print("torn unpackings", results)

