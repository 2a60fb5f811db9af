# `break` and `continue` inside `finally` (CPython 3.8+), with return/break/continue
# in the try body or a handler.

def f1():
    out = []
    for i in range(4):
        try:
            continue
        finally:
            out.append(i)
            if i == 2:
                break
    return out
print(f1())

def f2():
    for i in range(3):
        try:
            return "body"
        finally:
            break
    return "after loop"
print(f2())

def f3():
    out = []
    for i in range(3):
        try:
            raise ValueError(i)
        except ValueError:
            out.append("h%d" % i)
            continue
        finally:
            out.append("f%d" % i)
            if i == 1:
                break
    return out
print(f3())

def f4():
    out = []
    i = 0
    while i < 5:
        i += 1
        try:
            break
        finally:
            out.append(i)
            if i < 3:
                continue
    return out
print(f4())

def f5():
    for i in range(2):
        try:
            [][0]
        finally:
            break
    return "swallowed"
print(f5())

def f6():
    for i in range(3):
        for j in range(3):
            try:
                return (i, j)
            finally:
                if j < 2:
                    continue
    return "done"
print(f6())

def f7():
    try:
        return 1
    finally:
        return 2
print(f7())

def f8():
    for x in [1, 2]:
        try:
            return x
        finally:
            for y in [3]:
                try:
                    break
                finally:
                    print("inner", y)
print(f8())
