# if/elif/else, while/for with else, break, continue, nested loops, loop variables after loops.
def classify(n):
    if n < 0:
        return "negative"
    elif n == 0:
        return "zero"
    elif n % 2:
        return "odd"
    else:
        return "even"

print([classify(n) for n in (-3, 0, 7, 10)])

def find(items, target):
    for i, x in enumerate(items):
        if x == target:
            print("found at", i)
            break
    else:
        print("not found")
        i = None
    return i

print(find([5, 6, 7], 6), find([5, 6, 7], 9), find([], 1))

n = 0
while n < 5:
    n += 1
    if n == 2:
        continue
    if n == 10:
        break
    print("while", n)
else:
    print("while finished without break", n)

n = 0
while True:
    n += 1
    if n > 3:
        break
else:
    print("never")
print("after while True", n)

primes = []
for cand in range(2, 40):
    for d in range(2, cand):
        if cand % d == 0:
            break
    else:
        primes.append(cand)
print(primes)

for i in range(3):
    for j in range(3):
        if j == i:
            continue
        if i + j == 3:
            break
        print("pair", i, j)
    else:
        print("inner completed for", i)

for x in []:
    pass
else:
    print("empty for runs else")

for last in range(4):
    pass
print("loop var after loop", last)

total = 0
for i in range(10):
    if i % 2 == 0:
        continue
    total += i
print(total)

count = 0
while count < 3:
    count += 1
    for k in "ab":
        if k == "b" and count == 2:
            break
    else:
        continue
    print("broke inner at count", count)

# loop with tuple targets and nested unpacking
for (a, b), c in [((1, 2), 3), ((4, 5), 6)]:
    print(a + b + c)
for i, (k, v) in enumerate(sorted({"x": 1, "y": 2}.items())):
    print(i, k, v)

# modifying the loop target does not affect iteration
for i in range(3):
    i = i * 100
    print("i is", i)

# pass, ellipsis bodies
if True:
    pass
def stub():
    ...
print(stub())
x = 5
print("big" if x > 3 else "small", "neg" if x < 0 else "zero" if x == 0 else "pos")
