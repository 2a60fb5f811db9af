# _socket under CPython's socket.py: socketpair, a TCP server with a client in a
# thread, timeouts, name look-ups, address conversions and CPython's errors.
import socket
import threading


def show(f):
    try:
        print(repr(f()))
    except Exception as e:
        print(type(e).__name__, e)


# socketpair echo, makefile
a, b = socket.socketpair()
print(a.family == socket.AF_UNIX, a.type == socket.SOCK_STREAM, a.proto)
print(repr(a.family), repr(a.type))
a.sendall(b"hello")
print(b.recv(10))
print(a.getsockname() == "", b.getpeername() == "")
buf = bytearray(8)
a.send(b"xyz")
print(b.recv_into(buf), buf)
a.send(b"abcdef")
print(b.recv_into(buf, 2), buf)
print(b.recv(10))
f = a.makefile("rb", buffering=0)
b.sendall(b"line1\nline2\n")
print(f.readline(), f.readline())
f.close()
b.shutdown(socket.SHUT_WR)
print(a.recv(10))
print(a.getblocking(), a.gettimeout())
a.setblocking(False)
print(a.getblocking(), a.gettimeout())
show(lambda: a.recv(10))
a.settimeout(0.05)
print(a.getblocking(), a.gettimeout())
a.close()
b.close()
print(a.fileno(), "[closed]" in repr(a))
show(lambda: a.recv(1))

# A TCP server on 127.0.0.1 with a client in a thread.
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
print(srv.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR) != 0)
print(srv.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE) == socket.SOCK_STREAM)
srv.bind(("127.0.0.1", 0))
srv.listen()
host, port = srv.getsockname()
print(host, 0 < port < 65536)
got = []


def client():
    c = socket.create_connection(("127.0.0.1", port), timeout=5)
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    c.sendall(b"ping " * 1000)
    c.shutdown(socket.SHUT_WR)
    data = b""
    while chunk := c.recv(4096):
        data += chunk
    got.append(data)
    c.close()


t = threading.Thread(target=client)
t.start()
conn, addr = srv.accept()
print(addr[0], addr[1] != port, conn.getpeername() == addr)
print(conn.gettimeout(), type(conn).__name__)
data = b""
while chunk := conn.recv(1000):
    data += chunk
print(len(data), data[:10])
conn.sendall(data.upper())
conn.close()
t.join()
print(len(got[0]), got[0][:10])

# Timeouts raise TimeoutError (socket.timeout), and connect_ex reports errors.
srv.settimeout(0.05)
try:
    srv.accept()
except socket.timeout as e:
    print("timeout:", type(e).__name__, e, e.errno)
print(socket.timeout is TimeoutError, socket.error is OSError)
srv.close()
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    free = s.getsockname()[1]
with socket.socket() as s:
    print(s.connect_ex(("127.0.0.1", free)))
    show(lambda: s.connect(("127.0.0.1", free)))

# UDP with recvfrom / sendto
u1 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u2 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u1.bind(("127.0.0.1", 0))
u2.sendto(b"datagram", u1.getsockname())
data, frm = u1.recvfrom(100)
print(data, frm == u2.getsockname())
u2.sendto(b"again", 0, u1.getsockname())
buf = bytearray(16)
n, frm = u1.recvfrom_into(buf)
print(n, bytes(buf[:n]))
u1.close()
u2.close()

# Default timeout
print(socket.getdefaulttimeout())
socket.setdefaulttimeout(2.5)
with socket.socket() as s:
    print(s.gettimeout(), s.getblocking())
socket.setdefaulttimeout(None)
with socket.socket(socket.AF_INET, socket.SOCK_STREAM | socket.SOCK_NONBLOCK) as s:
    print(s.gettimeout(), s.type == socket.SOCK_STREAM)

# Name service and conversions
print(sorted({ai[4] for ai in socket.getaddrinfo("localhost", 80, socket.AF_INET, socket.SOCK_STREAM)}))
print(socket.getaddrinfo("127.0.0.1", "80", socket.AF_INET, socket.SOCK_DGRAM)[0])
print(socket.getaddrinfo("::1", 443, socket.AF_INET6, socket.SOCK_STREAM)[0][4])
print(socket.getnameinfo(("127.0.0.1", 80), socket.NI_NUMERICHOST | socket.NI_NUMERICSERV))
print(socket.gethostbyname("127.0.0.1"), socket.gethostbyname("localhost"))
print(isinstance(socket.gethostname(), str))
print(socket.getservbyname("http", "tcp"), socket.getservbyport(80, "tcp"))
print(socket.getprotobyname("tcp"), socket.getprotobyname("udp"))
for s in ["1.2.3.4", "255.255.255.255", "0.0.0.0", "1.2", "127.1"]:
    print(s, socket.inet_aton(s), socket.inet_ntoa(socket.inet_aton(s)))
for s in ["::1", "::", "fe80::1:2", "2001:db8::8a2e:370:7334", "::ffff:1.2.3.4", "1:0:0:1:0:0:0:1"]:
    p = socket.inet_pton(socket.AF_INET6, s)
    print(s, len(p), socket.inet_ntop(socket.AF_INET6, p))
print(socket.inet_pton(socket.AF_INET, "10.0.0.1"), socket.inet_ntop(socket.AF_INET, b"\x0a\x00\x00\x01"))
print(socket.htons(1), socket.ntohs(256), socket.htonl(1), socket.ntohl(0x01020304))
print(socket.CMSG_LEN(4), socket.CMSG_SPACE(4), socket.has_ipv6)
print(socket.AF_INET, socket.AF_INET6, socket.AF_UNIX, socket.SOCK_DGRAM, socket.SOL_SOCKET,
      socket.SO_ERROR, socket.IPPROTO_TCP, socket.MSG_PEEK, socket.AI_PASSIVE, socket.NI_NUMERICHOST,
      socket.EAI_NONAME, socket.SHUT_RDWR, socket.SOMAXCONN)
print(issubclass(socket.gaierror, OSError), issubclass(socket.herror, OSError), socket.gaierror.__module__)

# Errors, as CPython words them
s = socket.socket()
show(lambda: s.bind(("127.0.0.1", 70000)))
show(lambda: s.bind(("127.0.0.1",)))
show(lambda: s.bind("127.0.0.1"))
show(lambda: s.bind((1, 2)))
show(lambda: s.bind(("127.0.0.1", "x")))
show(lambda: s.recv(-1))
show(lambda: s.recv_into(bytearray(2), 5))
show(lambda: s.recv_into(b"xx"))
show(lambda: s.send("text"))
show(lambda: s.settimeout(-1))
show(lambda: s.settimeout("1"))
show(lambda: s.getpeername())
show(lambda: s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE, 5000))
s.close()
show(lambda: socket.socket(socket.AF_UNIX).bind("x" * 200))
show(lambda: socket.socket(socket.AF_INET6).bind(("::1", 0, 1 << 21)))
show(lambda: socket.socket(fileno=-5))
show(lambda: socket.getaddrinfo(1, 2))
show(lambda: socket.getaddrinfo("localhost", 1.5))
show(lambda: socket.getaddrinfo("no-such-host.invalid", 80))
show(lambda: socket.getnameinfo("x", 0))
show(lambda: socket.getnameinfo(("127.0.0.1", 80, 0), 0))
show(lambda: socket.inet_aton("1.2.3.256"))
show(lambda: socket.inet_ntoa(b"123"))
show(lambda: socket.inet_pton(socket.AF_INET, "x"))
show(lambda: socket.inet_ntop(socket.AF_INET, b"12"))
show(lambda: socket.inet_ntop(99, b"1234"))
show(lambda: socket.htons(-1))
show(lambda: socket.htons(70000))
show(lambda: socket.htonl(1 << 32))
show(lambda: socket.htonl("a"))
show(lambda: socket.getservbyname("no-such-service"))
show(lambda: socket.getservbyport(70000))
show(lambda: socket.getprotobyname("no-such-proto"))
show(lambda: socket.gethostbyaddr("10.255.255.1"))
