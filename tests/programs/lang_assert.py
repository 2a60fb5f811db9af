# assert with and without messages, AssertionError args, and assert in functions.
def check(x):
    assert x > 0, f"x must be positive, got {x}"
    assert isinstance(x, int)
    return x * 2

print(check(3))
for bad in (-1, 2.5):
    try:
        check(bad)
    except AssertionError as e:
        print("AssertionError:", repr(e), e.args)

try:
    assert False
except AssertionError as e:
    print("bare:", repr(e), e.args)

try:
    assert [], ["list", "message"]
except AssertionError as e:
    print("non-str message:", e.args)

calls = []
def msg():
    calls.append(1)
    return "lazy"
assert True, msg()
print("message not evaluated on success:", calls)
try:
    assert 0, msg()
except AssertionError as e:
    print(e, calls)

assert (1, 2) == (1, 2)
x = 5
assert 0 < x < 10, "chained"
print("assertions passed")

class Custom:
    def __bool__(self):
        print("  __bool__ called")
        return False
try:
    assert Custom(), "custom falsy"
except AssertionError as e:
    print(e)
