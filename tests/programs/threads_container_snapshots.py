# Snapshots of containers other threads are mutating: list(), tuple(), sorted(),
# unpacking and dict views copy a dict or set atomically, so they never raise
# "changed size during iteration" and always see a consistent state (issue 18, item 4).
import threading

BASE = 500
d = {i: i for i in range(BASE)}
s = set(range(BASE))
fs_source = set(range(BASE))
stop = threading.Event()

def mutate(k):
    i = 0
    extra = BASE + 1000 * k
    while not stop.is_set():
        key = extra + i % 7
        d[key] = i
        s.add(key)
        del d[key]
        s.discard(key)
        i += 1

snapshots = [
    ("list(d)", lambda: list(d)),
    ("tuple(d)", lambda: tuple(d)),
    ("sorted(d)", lambda: sorted(d)),
    ("[*d]", lambda: [*d]),
    ("unpack d", lambda: (lambda *a: a)(*d)),
    ("list(d.keys())", lambda: list(d.keys())),
    ("list(d.values())", lambda: list(d.values())),
    ("list(d.items())", lambda: [k for k, _ in list(d.items())]),
    ("sorted(d.items())", lambda: [k for k, _ in sorted(d.items())]),
    ("list(s)", lambda: list(s)),
    ("tuple(s)", lambda: tuple(s)),
    ("sorted(s)", lambda: sorted(s)),
    ("[*s]", lambda: [*s]),
    ("set(d)", lambda: list(set(d))),
    ("frozenset(s)", lambda: list(frozenset(s))),
]

workers = [threading.Thread(target=mutate, args=(k,)) for k in range(2)]
for w in workers: w.start()
errors = {name: 0 for name, _ in snapshots}
consistent = {name: True for name, _ in snapshots}
try:
    for _ in range(100):
        for name, snap in snapshots:
            try:
                got = snap()
            except RuntimeError:
                errors[name] += 1
                continue
            # Every base key is there, and at most one extra key per mutator.
            if len(got) < BASE or len(got) > BASE + 2 or (
                    name != "list(d.values())" and not set(range(BASE)) <= set(got)):
                consistent[name] = False
finally:
    stop.set()
    for w in workers: w.join()
for name, _ in snapshots:
    print(f"{name:18} errors {errors[name]} consistent {consistent[name]}")
