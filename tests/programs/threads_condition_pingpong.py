# Two threads alternate strictly through a Condition (ping-pong), then N threads take turns round-robin.
import threading
cond = threading.Condition()
turn = ["ping"]
log = []
ROUNDS = 300
def player(me, other):
    for i in range(ROUNDS):
        with cond:
            cond.wait_for(lambda: turn[0] == me)
            log.append(me)
            turn[0] = other
            cond.notify_all()
a = threading.Thread(target=player, args=("ping", "pong"))
b = threading.Thread(target=player, args=("pong", "ping"))
a.start(); b.start(); a.join(); b.join()
print(len(log), log[:6], all(log[i] != log[i + 1] for i in range(len(log) - 1)), log.count("ping"), log.count("pong"))
N = 5
rr = threading.Condition(threading.Lock())
current = [0]
sequence = []
def take_turns(k):
    for r in range(50):
        with rr:
            while current[0] != k:
                rr.wait()
            sequence.append(k)
            current[0] = (k + 1) % N
            rr.notify_all()
ts = [threading.Thread(target=take_turns, args=(k,)) for k in range(N)]
for t in ts: t.start()
for t in ts: t.join()
print(len(sequence), sequence[:12], sequence == [i % N for i in range(N * 50)])
box = []
box_cond = threading.Condition()
def produce():
    for i in range(100):
        with box_cond:
            box_cond.wait_for(lambda: not box)
            box.append(i)
            box_cond.notify()
got = []
def consume():
    for _ in range(100):
        with box_cond:
            box_cond.wait_for(lambda: box)
            got.append(box.pop())
            box_cond.notify()
p, c = threading.Thread(target=produce), threading.Thread(target=consume)
p.start(); c.start(); p.join(); c.join()
print(got == list(range(100)), box)
