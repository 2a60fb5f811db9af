print(slice(None, None, 3).indices(2**100))
print(slice(-2**100, 2**100, -2**70).indices(2**100))
print(range(2**100)[slice(None,None,3)])
print(range(2**100)[5:-2**90:2**80])
print(range(10)[-2**100:2**100], range(10)[::-1], range(0)[::-1], range(10)[2**100::-3])
print(slice(1, 2).indices(0), slice(None, None, -1).indices(0))
for bad in [(slice(1, 2), -1), (slice(0, 1, 0), 5), (slice('a'), 3), (slice(1), 'x')]:
    try: print(bad[0].indices(bad[1]))
    except (TypeError, ValueError) as e: print(type(e).__name__, e)
try: range(5)[::0]
except ValueError as e: print(e)
