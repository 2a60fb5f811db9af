# fcntl and select on files and on standard input (a pipe or /dev/null under the
# harness): descriptor flags, locks, select/poll/epoll readiness and errors.
import fcntl
import select
import sys


def show(f, *a, **k):
    try:
        print("ok", repr(f(*a, **k)))
    except Exception as e:
        print(type(e).__name__, e)


path = "_fcntl_select_test.tmp"
f = open(path, "w")
fd = f.fileno()
flags = fcntl.fcntl(fd, fcntl.F_GETFL)
print(flags & 3, fcntl.fcntl(f, fcntl.F_GETFD) & fcntl.FD_CLOEXEC in (0, 1))
fcntl.fcntl(fd, fcntl.F_SETFD, fcntl.FD_CLOEXEC)
print(fcntl.fcntl(fd, fcntl.F_GETFD) & fcntl.FD_CLOEXEC)
fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
fcntl.flock(fd, fcntl.LOCK_UN)
fcntl.lockf(f, fcntl.LOCK_EX, 10, 0, 0)
fcntl.lockf(f, fcntl.LOCK_UN, 10)
print(fcntl.fcntl(fd, fcntl.F_GETLK, b"\0" * 32)[:2])
show(fcntl.fcntl, -1, 1)
show(fcntl.fcntl, "x", 1)
show(fcntl.fcntl, 999, 1)
show(fcntl.flock, 999, fcntl.LOCK_EX)
show(fcntl.lockf, fd, 16)
show(fcntl.fcntl, fd, 1, b"x" * 2000)
show(fcntl.fcntl, fd, 1, 1.5)
print(fcntl.LOCK_SH, fcntl.LOCK_EX, fcntl.LOCK_NB, fcntl.LOCK_UN, fcntl.F_SETLKW, fcntl.F_OFD_SETLK,
      fcntl.F_SEAL_WRITE, fcntl.DN_MULTISHOT, fcntl.F_SETPIPE_SZ)

r = open(path)
print(select.select([r], [f], [], 0), select.select([], [], [], 0), select.select((), [f], [], 0.01))
print(select.select([r.fileno()], [], [])[0] == [r.fileno()])
show(select.select, [], [], [], -1)
show(select.select, [5.5], [], [])
show(select.select, [], [], [], "x")
show(select.select, [-1], [], [], 0)
show(select.select, 5, [], [])

p = select.poll()
p.register(r)
p.register(f, select.POLLOUT)
names = {r.fileno(): "r", f.fileno(): "f"}


def named(events):
    return sorted((names[fd], ev) for fd, ev in events)


print(named(p.poll(0)), named(p.poll(10)), named(p.poll(1.5)))
p.modify(r, select.POLLIN)
p.unregister(f)
print(named(p.poll(0)))
show(p.register, 0, -1)
show(p.register, 0, 70000)
show(p.modify, 55, 1)
show(p.unregister, 55)
show(p.poll, "x")

e = select.epoll()
print(e.closed, e.fileno() > 2)
show(e.register, f)
show(e.poll, maxevents=0)
show(e.unregister, f)
print(e.poll(0))
with select.epoll() as e3:
    pass
print(e3.closed)
e.close()
print(e.closed)
show(e.poll)
show(e.fileno)
show(select.epoll, -2)
show(select.epoll, 0)
print(select.POLLIN, select.POLLOUT, select.EPOLLIN, select.EPOLLET, select.PIPE_BUF,
      select.error is OSError)
f.close()
r.close()
import posix
posix.remove(path)
