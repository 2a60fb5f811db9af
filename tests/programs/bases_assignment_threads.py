# __bases__ assignment while other threads use the class: method calls, special
# methods, class attributes and MRO reads always see one whole MRO (the old one or
# the new one), never a mix and never a crash.
import threading


class Left:
    tag = "L"

    def who(self):
        return "left"

    def __len__(self):
        return 1


class Right:
    tag = "R"

    def who(self):
        return "right"

    def __len__(self):
        return 2


class Mid(Left):
    pass


class Leaf(Mid):
    pass


obj = Leaf()
stop = threading.Event()
bad = []
counts = {}
lock = threading.Lock()


def reader(n):
    seen = set()
    while not stop.is_set():
        w = obj.who()
        t = Leaf.tag
        size = len(obj)
        mro = [c.__name__ for c in Leaf.__mro__]
        if w not in ("left", "right") or t not in ("L", "R") or size not in (1, 2):
            bad.append((w, t, size))
        if mro not in (["Leaf", "Mid", "Left", "object"], ["Leaf", "Mid", "Right", "object"]):
            bad.append(mro)
        seen.add(w)
    with lock:
        counts[n] = seen


threads = [threading.Thread(target=reader, args=(i,)) for i in range(3)]
for t in threads:
    t.start()
for i in range(400):
    Mid.__bases__ = (Right,) if i % 2 == 0 else (Left,)
stop.set()
for t in threads:
    t.join()
print("bad:", bad[:5])
print("final:", obj.who(), Leaf.tag, len(obj), [c.__name__ for c in Leaf.__mro__])
print("threads finished:", sorted(counts))
print("subclasses:", [c.__name__ for c in Left.__subclasses__()],
      [c.__name__ for c in Right.__subclasses__()])
