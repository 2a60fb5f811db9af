# List slicing copies the selected items once, under the list's lock, after the bounds'
# __index__ calls (which may change the list); extended slices, subclasses, errors.
class I:
    def __init__(s, v): s.v = v
    def __index__(s): return s.v
a = list(range(20))
print(a[2:9], a[::-3], a[I(3):I(-2):I(2)], a[100:], a[-100:3], a[5:2], a[::-1][:4])
print(a[True:5], a[2**70:], a[-2**70:2])
class Evil:
    def __index__(s):
        a.clear(); return 1
b = a[Evil():]
print(b, a)
a = list(range(10)); a[2:5] = a[6:9]; print(a)
a[::2] = "abcde"; print(a)
try: a[::2] = [1]
except ValueError as e: print(e)
try: a[::0]
except ValueError as e: print(e)
try: a["x":]
except TypeError as e: print(e)
class L(list): pass
print(type(L([1,2,3])[1:]), L([1,2,3])[::-1])
print([1,2,3][slice(None)], (1,2,3)[1:], "abcdef"[1::2])
