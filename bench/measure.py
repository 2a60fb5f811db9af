"""Runs one command and writes its wall time and its own peak RSS to a file:

    python3 -I -S bench/measure.py RESULT_FILE COMMAND [ARGS...]

bench/run.py runs every benchmark child through this wrapper. Why: Linux keeps a
process's peak RSS across exec, so a child forked straight from the runner (a python3
of ~15 MiB with its imports) reports at least the runner's size as its ru_maxrss, which
is more than a small strand or python3 program uses. This wrapper is started with -I -S
and imports nothing but os and time, so the process it forks and execs carries a floor
of about 5 MiB, below what any of the interpreters measured here uses on its own.

The child inherits stdin/stdout/stderr. The result file gets one line of JSON:
{"wall": seconds from fork to reaping, "maxrss_kb": the child's ru_maxrss (KiB),
"utime": s, "stime": s, "status": the wait status}. The wrapper exits with the
child's exit code (128 + signal number if it was killed by a signal).
"""
import os
import time


def main():
    import sys
    result_file, argv = sys.argv[1], sys.argv[2:]
    t0 = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:
            os.execvp(argv[0], argv)
        except OSError as e:
            os.write(2, ("measure.py: cannot run %s: %s\n" % (argv[0], e)).encode())
        os._exit(127)
    while True:
        try:
            _, status, ru = os.wait4(pid, 0)
            break
        except InterruptedError:
            continue
    wall = time.perf_counter() - t0
    with open(result_file, "w") as f:
        f.write('{"wall": %.9f, "maxrss_kb": %d, "utime": %.6f, "stime": %.6f, "status": %d}\n'
                % (wall, ru.ru_maxrss, ru.ru_utime, ru.ru_stime, status))
    code = os.waitstatus_to_exitcode(status)
    os._exit(code if code >= 0 else 128 - code)


main()
