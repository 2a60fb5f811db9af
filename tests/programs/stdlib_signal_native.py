# _signal: Python-level handlers run on the main thread (raise_signal, alarm with
# pause, setitimer), getsignal/SIG_IGN/SIG_DFL, default_int_handler, masks, timers,
# constants and errors.
import _signal as s
import threading
import time


def show(f, *a):
    try:
        print("ok", repr(f(*a)))
    except Exception as e:
        print(type(e).__name__, e)


print(s.getsignal(s.SIGINT) is s.default_int_handler, s.getsignal(s.SIGPIPE),
      s.getsignal(s.SIGTERM), s.getsignal(s.SIGUSR1))
got = []


def handler(signum, frame):
    # (strand has no frame objects yet: only the number is compared.)
    got.append(signum)


old = s.signal(s.SIGUSR1, handler)
print(old, s.getsignal(s.SIGUSR1) is handler)
s.raise_signal(s.SIGUSR1)
print(got)
s.raise_signal(s.SIGUSR1)
s.raise_signal(s.SIGUSR1)
print(len(got))


def boom(signum, frame):
    raise RuntimeError("from handler %d" % signum)


s.signal(s.SIGUSR2, boom)
try:
    s.raise_signal(s.SIGUSR2)
except RuntimeError as e:
    print("caught", e)

s.signal(s.SIGALRM, handler)
got.clear()
s.alarm(1)
s.pause()
print(got, s.alarm(0))
print(s.setitimer(s.ITIMER_REAL, 0.05), s.getitimer(s.ITIMER_REAL)[1])
time.sleep(0.3)
print(len(got))
print(s.setitimer(s.ITIMER_REAL, 0), s.getitimer(s.ITIMER_REAL))

print(s.signal(s.SIGUSR1, s.SIG_IGN) is handler, s.getsignal(s.SIGUSR1))
s.raise_signal(s.SIGUSR1)
print(s.signal(s.SIGUSR1, handler), s.signal(s.SIGUSR1, s.SIG_DFL) is handler)
s.signal(s.SIGHUP, s.SIG_IGN)
s.raise_signal(s.SIGHUP)
print(s.getsignal(s.SIGHUP), s.signal(s.SIGHUP, s.SIG_DFL))
s.signal(s.SIGINT, handler)
got.clear()
s.raise_signal(s.SIGINT)
print(got)
s.signal(s.SIGINT, s.default_int_handler)
try:
    s.raise_signal(s.SIGINT)
except KeyboardInterrupt:
    print("KeyboardInterrupt")
try:
    s.default_int_handler(2, None)
except KeyboardInterrupt as e:
    print("default_int_handler", repr(e))

errors = []


def in_thread():
    try:
        s.signal(s.SIGUSR1, handler)
    except ValueError as e:
        errors.append(str(e))


t = threading.Thread(target=in_thread)
t.start()
t.join()
print(errors)

show(s.getsignal, 0)
show(s.getsignal, 99)
show(s.signal, s.SIGKILL, handler)
show(s.signal, s.SIGTERM, 5)
show(s.signal, 0, s.SIG_IGN)
show(s.strsignal, 2)
show(s.strsignal, 34)
show(s.strsignal, 32)
show(s.strsignal, 999)
print(len(s.valid_signals()), sorted(set(range(1, 65)) - s.valid_signals()))
print(s.pthread_sigmask(s.SIG_BLOCK, [s.SIGUSR1]), s.pthread_sigmask(s.SIG_UNBLOCK, [s.SIGUSR1]),
      s.sigpending())
show(s.pthread_sigmask, s.SIG_BLOCK, [0])
show(s.set_wakeup_fd, -1)
show(s.getitimer, 99)
s.siginterrupt(s.SIGUSR1, True)
print(s.SIG_DFL, s.SIG_IGN, s.NSIG, s.SIGRTMIN, s.SIGRTMAX, s.SIGTERM, s.SIGCHLD, s.ITIMER_PROF,
      s.ItimerError.__mro__[1:3])
