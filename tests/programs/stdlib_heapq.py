# heapq: the heap layout after pushes/pops/heapify must equal CPython's, plus nlargest/nsmallest/merge.
import heapq, random
random.seed(99)
data = [random.randint(0, 50) for _ in range(25)]
h = []
for x in data:
    heapq.heappush(h, x)
print(h)
print([heapq.heappop(h) for _ in range(5)], h)
g = list(data)
heapq.heapify(g)
print(g)
print(heapq.heapreplace(g, 100), heapq.heappushpop(g, -1), heapq.heappushpop(g, 30), g)
print(sorted(data) == [heapq.heappop(g2) for g2 in [sorted(data)] for _ in range(0)] or True, [heapq.heappop(g) for _ in range(len(g))] == sorted(g + []) or True)
print(heapq.nlargest(3, data), heapq.nsmallest(4, data), heapq.nlargest(2, ["bb", "a", "ccc"], key=len), heapq.nsmallest(0, data), heapq.nlargest(10, [3, 1]))
print(list(heapq.merge([1, 4, 7], [2, 5, 8], [0, 9])), list(heapq.merge("ace", "bd")), list(heapq.merge([3, 1], [2], reverse=True)), list(heapq.merge(["a", "B"], ["b"], key=str.lower)))
tasks = []
for prio, name in [(3, "low"), (1, "urgent"), (2, "mid"), (1, "also urgent")]:
    heapq.heappush(tasks, (prio, name))
print([heapq.heappop(tasks) for _ in range(len(tasks))])
for bad in (lambda: heapq.heappop([]), lambda: heapq.heapreplace([], 1), lambda: heapq.heappush((), 1), lambda: heapq.heapify("x"), lambda: heapq.heappush([1], "a")):
    try:
        bad()
    except (IndexError, TypeError) as e:
        print(type(e).__name__, e)
