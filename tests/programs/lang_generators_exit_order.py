# Suspended generators held by module globals run their finally blocks at exit, in
# the order they were created here (CPython finalizes garbage in allocation order,
# strand's collector in heap order, which agree in this simple case but not always,
# since CPython's order follows its generation lists; fuzz/pyfuzz compares exit-time
# output as a multiset of lines for that reason).
def gen(n):
    total = 0
    try:
        for i in range(n):
            got = yield i * 2
            if got is not None:
                total += got
    finally:
        print('gen cleanup', n, total)


first = gen(4)
print(next(first))
second = gen(5)
print(next(second), second.send(4))
third = gen(6)
print(next(third), third.send(7), third.send(1))
