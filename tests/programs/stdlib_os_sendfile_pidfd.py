# os.sendfile (explicit offset and the file's own position) and os.pidfd_open (readable once the child exits).
import os, tempfile, subprocess, select
with tempfile.TemporaryFile() as f:
    f.write(b"hello sendfile world"); f.flush()
    r, w = os.pipe()
    print(os.sendfile(w, f.fileno(), 6, 8), os.read(r, 100))
    f.seek(0)
    print(os.sendfile(w, f.fileno(), None, 5), os.read(r, 100), f.tell())
    try: os.sendfile(w, f.fileno(), -1, 5)
    except OSError as e: print("OSError", e.errno)
p = subprocess.Popen(["true"])
fd = os.pidfd_open(p.pid)
print(select.select([fd], [], [], 5)[0] == [fd], os.get_inheritable(fd))
os.close(fd); p.wait()
try: os.pidfd_open(-5)
except OSError as e: print(type(e).__name__, e.errno)
