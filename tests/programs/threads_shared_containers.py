# Threads append to one shared list, update one shared dict and add to one shared set without a lock: nothing is lost.
import threading
shared_list, shared_dict, shared_set = [], {}, set()
N, PER = 8, 1500
def writer(tid):
    for i in range(PER):
        shared_list.append((tid, i))
        shared_dict[(tid, i)] = i * tid
        shared_set.add(tid * PER + i)
ts = [threading.Thread(target=writer, args=(t,)) for t in range(N)]
for t in ts: t.start()
for t in ts: t.join()
print(len(shared_list), len(shared_dict), len(shared_set))
print(sorted(shared_list) == sorted((t, i) for t in range(N) for i in range(PER)))
print(all(shared_dict[(t, i)] == i * t for t in range(N) for i in range(PER)), shared_set == set(range(N * PER)))
per_thread = [[i for (t, i) in shared_list if t == tid] for tid in range(N)]
print(all(p == list(range(PER)) for p in per_thread))
counts = {}
lock = threading.Lock()
def tally(words):
    for w in words:
        with lock:
            counts[w] = counts.get(w, 0) + 1
text = ("alpha beta gamma delta " * 500).split()
ts = [threading.Thread(target=tally, args=(text[i::4],)) for i in range(4)]
for t in ts: t.start()
for t in ts: t.join()
print(sorted(counts.items()))
popped = []
source = list(range(5000))
def popper():
    while True:
        try:
            popped.append(source.pop())
        except IndexError:
            return
ts = [threading.Thread(target=popper) for _ in range(4)]
for t in ts: t.start()
for t in ts: t.join()
print(len(popped), sorted(popped) == list(range(5000)), source)
