# Many threads increment shared counters under a Lock (and an RLock): totals must be exact.
import threading
N_THREADS, N_INCR = 8, 2000
counter = 0
lock = threading.Lock()
def bump():
    global counter
    for _ in range(N_INCR):
        with lock:
            counter += 1
threads = [threading.Thread(target=bump) for _ in range(N_THREADS)]
for t in threads: t.start()
for t in threads: t.join()
print(counter, counter == N_THREADS * N_INCR)
class Account:
    def __init__(self):
        self.balance = 0
        self.lock = threading.RLock()
    def deposit(self, n):
        with self.lock:
            self.balance += n
    def transfer_in(self, n):
        with self.lock:
            self.deposit(n)
            self.deposit(-n)
            self.deposit(n)
acct = Account()
def banker(k):
    for i in range(500):
        acct.transfer_in(k)
ts = [threading.Thread(target=banker, args=(k,)) for k in range(1, 6)]
for t in ts: t.start()
for t in ts: t.join()
print(acct.balance, acct.balance == 500 * sum(range(1, 6)))
totals = [0] * 4
locks = [threading.Lock() for _ in totals]
def spread(seed):
    for i in range(1000):
        j = (seed * 7 + i) % 4
        with locks[j]:
            totals[j] += 1
ts = [threading.Thread(target=spread, args=(s,)) for s in range(6)]
for t in ts: t.start()
for t in ts: t.join()
print(totals, sum(totals))
