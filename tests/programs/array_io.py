# arrays and binary I/O: tobytes to a file and back, writing arrays directly,
# BytesIO round trips.
import io
import os
from array import array

NAME = "array_io.tmp"
data = array("d", [i / 7 for i in range(50)])
with open(NAME, "wb") as f:
    print(f.write(data.tobytes()))
    print(f.write(array("i", [1, 2, 3])))
print(os.path.getsize(NAME))
with open(NAME, "rb") as f:
    back = array("d")
    back.frombytes(f.read(50 * 8))
    rest = array("i")
    rest.frombytes(f.read())
print(back == data, rest, back[7], back[-1])

buf = io.BytesIO()
buf.write(array("H", [1, 2, 0xFFFF]))
buf.write(array("B", [7]).tobytes())
print(buf.getvalue())
arr = array("H")
arr.frombytes(buf.getvalue()[:6])
print(arr)
os.remove(NAME)
print(os.path.exists(NAME))
