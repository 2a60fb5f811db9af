# Assignment expressions: in conditions, loops, comprehensions, nested scopes.
data = [3, 7, 1, 9, 4]
if (n := len(data)) > 3:
    print("long list", n)

values = iter(data)
while (v := next(values, None)) is not None:
    if v > 5:
        print("big", v)
print("v after loop", v)

print([y for x in data if (y := x * x) > 10], y)
print((total := sum(data)), total)

def scope():
    [last := i for i in range(4)]
    return last
print(scope())

def nested():
    results = []
    def inner():
        return [(w := k) for k in "ab"], w
    results.append(inner())
    return results
print(nested())

print((a := 1, b := 2), a, b)
print([z := 10, z * 2])
f = lambda q: (r := q + 1) * r
print(f(3))
if any((hit := e) % 2 == 0 for e in data):
    print("first even", hit)
print({(k := ch): k * 2 for ch in "xy"}, k)
count = 0
while (count := count + 1) < 5:
    pass
print(count)
