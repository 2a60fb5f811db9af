"""Soak test for issue 18: threads making cyclic garbage for a long time, strand beside
python3. Not run in CI (it takes minutes); run it by hand after `cargo build --release
--bin strand`:

    python3 bench/soak_gc_threads.py                       # 60 s with 2 and 8 threads
    python3 bench/soak_gc_threads.py --seconds 20 --threads 2 3 --collector

Each run executes this same file as a child (`--child`) under python3 and under
strand. The child starts N threads that each loop

    a = N(); b = N(); a.o = b; b.o = a

(class N with no methods: the reproduction in the issue), optionally one more thread
calling gc.collect() in a loop (--collector), and measures:

- peak RSS: VmHWM from /proc/self/status at the end;
- collections: count and the longest one, from gc.callbacks' start to stop (under
  python3 the GIL is held for the whole collection, so that is its pause; under strand
  it is the whole collection, most of which runs with the world running);
- stop-the-world pauses (strand only): total and longest, from `-X stats`;
- the longest oversleep of a thread that sleeps 1 ms in a loop: how long any thread
  could be held up (a GIL switch, a stop-the-world pause, a descheduling on a busy
  machine), measured the same way under both;
- iterations of the loop per second, all threads together.

Prints one table row per (implementation, threads) and exits non-zero if a child
failed. RSS growth over the run is the number to watch: before the fix, strand's grew
without bound (1 GB in 8 s on two threads).
"""
import sys
import threading
import time


def child(threads, seconds, collector):
    # Runs under strand too: only gc, sys, threading and time (strand has no _sre, so
    # no re, json or argparse here).
    import gc

    class N:
        pass

    stop = [False]
    iterations = []
    collections = {"n": 0, "longest": 0.0, "total": 0.0, "start": 0.0}

    def callback(phase, info):
        if phase == "start":
            collections["start"] = time.perf_counter()
        else:
            d = time.perf_counter() - collections["start"]
            collections["n"] += 1
            collections["total"] += d
            if d > collections["longest"]:
                collections["longest"] = d

    gc.callbacks.append(callback)

    def work():
        n = 0
        while not stop[0]:
            a = N()
            b = N()
            a.o = b
            b.o = a
            n += 1
        iterations.append(n)

    def collect_loop():
        while not stop[0]:
            gc.collect()

    gaps = [0.0]

    def ticker():
        while not stop[0]:
            t = time.perf_counter()
            time.sleep(0.001)
            over = time.perf_counter() - t - 0.001
            if over > gaps[0]:
                gaps[0] = over

    def rss_kb(field):
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
        return 0

    ts = [threading.Thread(target=work) for _ in range(threads)]
    if collector:
        ts.append(threading.Thread(target=collect_loop))
    ts.append(threading.Thread(target=ticker))
    start_rss = rss_kb("VmRSS")
    samples = []
    for t in ts:
        t.start()
    began = time.time()
    while time.time() - began < seconds:
        time.sleep(0.5)
        samples.append(rss_kb("VmRSS"))
    stop[0] = True
    for t in ts:
        t.join()
    elapsed = time.time() - began
    print(repr({
        "start_rss_mb": start_rss / 1024,
        "peak_rss_mb": rss_kb("VmHWM") / 1024,
        "rss_last_10pct_mb": max(samples[-max(1, len(samples) // 10):]) / 1024,
        "collections": collections["n"],
        "longest_collection_ms": collections["longest"] * 1e3,
        "collection_total_s": collections["total"],
        "longest_oversleep_ms": gaps[0] * 1e3,
        "iterations_per_s": sum(iterations) / elapsed,
    }))


def run_one(cmd, threads, seconds, collector):
    import ast
    import os
    import re
    import subprocess

    args = cmd + [os.path.abspath(__file__), "--child", "--threads", str(threads),
                  "--seconds", str(seconds)]
    if collector:
        args.append("--collector")
    p = subprocess.run(args, capture_output=True, text=True, timeout=seconds * 10 + 120)
    if p.returncode != 0:
        sys.stderr.write(p.stdout + p.stderr)
        return None
    result = ast.literal_eval(p.stdout.strip().splitlines()[-1])
    m = re.search(r"gc pauses: total ([\d.]+) ms, longest ([\d.]+) ms", p.stderr)
    if m:
        result["stw_total_ms"] = float(m.group(1))
        result["stw_longest_ms"] = float(m.group(2))
    m = re.search(r"gc pacing: (\d+) waits", p.stderr)
    if m:
        result["pacing_waits"] = int(m.group(1))
    m = re.search(r"QSBR: (\d+) delayed frees pending \(peak (\d+)", p.stderr)
    if m:
        result["qsbr_peak"] = int(m.group(2))
    return result


def main():
    import argparse
    import os

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--threads", type=int, nargs="+", default=[2, 8])
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--collector", action="store_true",
                    help="one more thread calls gc.collect() in a loop")
    ap.add_argument("--strand", default=os.path.join(root, "target", "release", "strand"))
    ap.add_argument("--python", default="python3")
    ap.add_argument("--only", choices=["strand", "python3"])
    a = ap.parse_args()
    impls = [("python3", [a.python]), ("strand", [a.strand, "-X", "stats"])]
    if a.only:
        impls = [i for i in impls if i[0] == a.only]
    print(f"{'impl':8} {'thr':>3} {'peak RSS':>9} {'RSS end':>8} {'colls':>7} "
          f"{'longest coll':>12} {'STW max':>8} {'STW total':>9} {'oversleep':>9} "
          f"{'iter/s':>10}")
    failed = False
    for threads in a.threads:
        for name, cmd in impls:
            r = run_one(cmd, threads, a.seconds, a.collector)
            if r is None:
                print(f"{name:8} {threads:>3} FAILED")
                failed = True
                continue
            stw_max = f"{r['stw_longest_ms']:.1f}ms" if "stw_longest_ms" in r else "-"
            stw_total = f"{r['stw_total_ms'] / 1e3:.2f}s" if "stw_total_ms" in r else "-"
            print(f"{name:8} {threads:>3} {r['peak_rss_mb']:>7.1f}MB "
                  f"{r['rss_last_10pct_mb']:>6.1f}MB {r['collections']:>7} "
                  f"{r['longest_collection_ms']:>10.1f}ms {stw_max:>8} {stw_total:>9} "
                  f"{r['longest_oversleep_ms']:>7.1f}ms {r['iterations_per_s']:>10.0f}",
                  flush=True)
    return 1 if failed else 0


def child_main(argv):
    threads = int(argv[argv.index("--threads") + 1])
    seconds = float(argv[argv.index("--seconds") + 1])
    child(threads, seconds, "--collector" in argv)
    return 0


if __name__ == "__main__":
    sys.exit(child_main(sys.argv) if "--child" in sys.argv else main())
