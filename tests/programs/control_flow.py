# if/elif/else, while/for with else, break and continue, conditional expressions.
def classify(n):
    if n < 0:
        return "negative"
    elif n == 0:
        return "zero"
    elif n % 2:
        return "odd"
    else:
        return "even"

print([classify(n) for n in (-2, 0, 3, 8)])
i = 0
while True:
    i += 1
    if i % 3 == 0:
        continue
    if i > 10:
        break
print(i)
for n in range(2, 20):
    for d in range(2, n):
        if n % d == 0:
            break
    else:
        print(n, end=" ")
print()
x = 5
print("big" if x > 3 else "small", x > 3 and x < 10, x < 3 or "fallback", not x)
assert x == 5, "x should be five"
total = 0
for k in range(1000):
    total += k if k % 2 else -k
print(total)
