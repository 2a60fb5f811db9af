# A signal delivered to a Python handler that is replaced (asyncio's
# remove_signal_handler sets SIG_DFL) before the main thread runs it must not take the
# default action; a signal sent after SIG_IGN is ignored.
import asyncio
import os
import signal
import time

loop = asyncio.new_event_loop()
caught = []


def handler(*args):
    caught.append(args)
    loop.stop()


loop.add_signal_handler(signal.SIGALRM, handler, 42)
signal.setitimer(signal.ITIMER_REAL, 0.05, 0)
loop.call_later(10, loop.stop)
loop.run_forever()
print(caught)
print(loop.remove_signal_handler(signal.SIGALRM), signal.getsignal(signal.SIGALRM))
loop.close()

signal.signal(signal.SIGUSR1, lambda s, f: print("handled", s))
os.kill(os.getpid(), signal.SIGUSR1)
signal.signal(signal.SIGUSR1, signal.SIG_IGN)
os.kill(os.getpid(), signal.SIGUSR1)
time.sleep(0.05)
print("ignored", signal.getsignal(signal.SIGUSR1))
