"""Generator-based coroutines driven by send(): a log-processing pipeline of consumers
(a tokenizer feeding a router feeding per-level counters and a moving-window averager),
each primed with next() and fed with .send(); a round-robin scheduler of worker
coroutines that yield requests and receive replies, delegating to sub-coroutines with
yield from and getting their return values; throw() to make a worker handle an injected
error and carry on; and close() at the end, which the workers' finally blocks see. So it
measures generator resumption by send, yield from, throw and close, and the small calls
between them. An iteration is one batch of records through the pipeline and one
scheduler run; prints the totals of the last batch and a checksum over all batches."""
import sys
import time
from collections import deque

from _report import report_time_per_iteration


LEVELS = ("debug", "info", "warn", "error")


class Retry(Exception):
    """Thrown into a worker to make it start its current job again."""


def primed(func):
    """Wraps a coroutine function so that each call returns the coroutine already
    advanced to its first yield."""
    def start(*args):
        coroutine = func(*args)
        next(coroutine)
        return coroutine
    return start


@primed
def counter(totals, level):
    """Counts the records of one level and sums their sizes."""
    count = size = 0
    try:
        while True:
            record = yield
            count += 1
            size += record[2]
    finally:
        totals[level] = (count, size)


@primed
def averager(window, results):
    """A moving average (integer, over the last `window` sizes) of every record."""
    recent = deque()
    running = 0
    peaks = 0
    try:
        while True:
            record = yield
            size = record[2]
            recent.append(size)
            running += size
            if len(recent) > window:
                running -= recent.popleft()
            if size * len(recent) > 2 * running:
                peaks += 1
    finally:
        results.append((running, peaks))


@primed
def router(targets, watch):
    """Sends each record to the counter for its level and to the watcher."""
    routed = 0
    while True:
        record = yield routed
        targets[record[0]].send(record)
        watch.send(record)
        routed += 1


@primed
def tokenizer(sink):
    """Turns text lines "level:source:size" into (level, source, size) tuples."""
    bad = 0
    while True:
        line = yield bad
        parts = line.split(":")
        if len(parts) != 3 or not parts[2].isdigit():
            bad += 1
            continue
        sink.send((LEVELS.index(parts[0]), parts[1], int(parts[2])))


def make_lines(seed, n):
    lines = []
    state = seed
    for i in range(n):
        state = (state * 1103515245 + 12345) & 0x7FFFFFFF
        level = LEVELS[(state >> 16) & 3]
        size = (state >> 4) & 1023
        if i % 97 == 96:
            lines.append("%s:broken" % level)
        else:
            lines.append("%s:src%d:%d" % (level, (state >> 20) % 9, size))
    return lines


def run_pipeline(lines):
    totals = {}
    windows = []
    counters = [counter(totals, level) for level in range(len(LEVELS))]
    watch = averager(16, windows)
    route = router(counters, watch)
    tokens = tokenizer(route)
    bad = 0
    for line in lines:
        bad = tokens.send(line)
    for coroutine in (tokens, route, watch, *counters):
        coroutine.close()
    return bad, [totals[level] for level in range(len(LEVELS))], windows[0]


def fetch(key, tries):
    """A sub-coroutine: asks the scheduler for `key` until the reply is even (a
    stand-in for a retried request); returns the reply and the attempts it took."""
    attempts = 0
    while True:
        attempts += 1
        reply = yield ("get", key + attempts)
        if reply % 2 == 0 or attempts >= tries:
            return reply, attempts


def accumulate(keys):
    """A sub-coroutine that delegates to fetch for each key and sums the replies."""
    total = 0
    attempts = 0
    for key in keys:
        reply, tries = yield from fetch(key, 3)
        total += reply
        attempts += tries
    return total, attempts


def worker(ident, jobs, log):
    """Runs its jobs (lists of keys) through accumulate; a Retry thrown in restarts the
    job in hand; records its results and, when closed, that it was closed."""
    done = 0
    retries = 0
    try:
        for keys in jobs:
            while True:
                try:
                    total, attempts = yield from accumulate(keys)
                except Retry:
                    retries += 1
                    continue
                log.append((ident, total % 100003, attempts))
                done += 1
                break
        while True:
            yield ("idle", ident)
    finally:
        log.append((ident, -done, retries))


def schedule(workers, rounds_until_retry):
    """Round-robin: each step resumes one worker with the reply to its last request.
    Every `rounds_until_retry` steps a Retry is thrown into the current worker instead.
    Stops when every worker idles; returns the step count and the replies' checksum."""
    ready = deque()
    for w in workers:
        ready.append((w, w.send(None)))
    steps = 0
    idle = set()
    checksum = 0
    while len(idle) < len(workers):
        w, request = ready.popleft()
        steps += 1
        kind, arg = request
        if kind == "idle":
            idle.add(arg)
            ready.append((w, request))
            continue
        if steps % rounds_until_retry == 0:
            request = w.throw(Retry())
        else:
            reply = (arg * 2654435761) & 0xFFFF
            checksum = (checksum * 33 + reply) % 1000000007
            request = w.send(reply)
        ready.append((w, request))
    for w in workers:
        w.close()
    return steps, checksum


def run_scheduler(seed, n_workers, n_jobs):
    log = []
    workers = []
    for ident in range(n_workers):
        jobs = [[seed + ident * 31 + j * 7 + k for k in range(1 + (ident + j) % 4)]
                for j in range(n_jobs)]
        workers.append(worker(ident, jobs, log))
    steps, checksum = schedule(workers, 13)
    return steps, checksum, log


def main(batches, lines_per_batch=2000):
    checksum = 0
    times = []
    result = None
    for batch in range(batches):
        t0 = time.perf_counter()
        lines = make_lines(4242 + batch, lines_per_batch)
        bad, totals, (window_sum, peaks) = run_pipeline(lines)
        steps, replies, log = run_scheduler(batch, 12, 40)
        times.append(time.perf_counter() - t0)
        for count, size in totals:
            checksum = (checksum * 31 + count * 7 + size) % 1000000007
        for ident, a, b in log:
            checksum = (checksum * 31 + ident + a * 3 + b * 5) % 1000000007
        checksum = (checksum * 31 + bad + window_sum + peaks + steps + replies) % 1000000007
        result = (bad, totals, window_sum, peaks, steps, replies, len(log))
    bad, totals, window_sum, peaks, steps, replies, logged = result
    print(bad, " ".join("%d/%d" % t for t in totals), window_sum, peaks)
    print(steps, replies, logged)
    print(checksum)
    report_time_per_iteration(times)


main(int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 30)
