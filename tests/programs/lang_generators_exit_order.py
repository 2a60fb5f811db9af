# A suspended generator held by a module global runs its finally block at exit;
# generators closed before then run theirs at close(). (Several suspended at exit
# all run, but in an order that is the implementation's: CPython finalizes garbage in
# allocation order, strand's collector in heap order. fuzz/pyfuzz compares exit-time
# output as a multiset of lines for that reason; this test keeps one.)
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
second.close()
print('second closed')
third.close()
print('third closed')
