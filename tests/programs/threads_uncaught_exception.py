import threading
def worker(n):
    if n == 2:
        raise ValueError(f"worker {n} failed")
    print("worker", n, "ok")
threads = [threading.Thread(target=worker, args=(i,), name=f"W{i}") for i in range(4)]
for t in threads:
    t.start()
    t.join()
print("main done", [t.is_alive() for t in threads])
