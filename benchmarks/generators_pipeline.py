"""A pipeline of generators: produce, filter, transform, window, reduce. Prints the
checksum."""
import sys


def numbers(n):
    for i in range(n):
        yield i


def evens(xs):
    for x in xs:
        if x % 2 == 0:
            yield x


def squares(xs):
    for x in xs:
        yield x * x


def windows(xs, size):
    window = []
    for x in xs:
        window.append(x)
        if len(window) == size:
            yield tuple(window)
            window.pop(0)


def checksum(n):
    total = 0
    for w in windows(squares(evens(numbers(n))), 3):
        total = (total + sum(w)) % 1000000007
    gen_total = sum(x for x in (y * 3 for y in range(n)) if x % 7)
    return total, gen_total


n = int(sys.argv[1]) if len(sys.argv) > 1 else 300000
print(*checksum(n))
