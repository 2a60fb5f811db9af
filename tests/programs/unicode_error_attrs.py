# The Unicode errors' constructors, attributes and str() from current attributes
for args in [('ascii', bytearray(b'\xff'), 0, 1, 'ordinal not in range(128)'), ('ascii', memoryview(b'\xffab'), 0, 2, 'r'), ('ascii', 'x', 0, 1, 'r')]:
    try:
        u = UnicodeDecodeError(*args); print(repr(u.object), str(u), u.args[2:])
    except TypeError as e: print("TypeError", e)
for args in [(), ('a',), ('ascii', b'x', 0, 1, 'r'), ('ascii', 'x', 'a', 1, 'r'), (1, 'x', 0, 1, 'r')]:
    try:
        u = UnicodeEncodeError(*args); print(str(u))
    except TypeError as e: print("TypeError", e)
u = UnicodeTranslateError('xxxx', 1, 5, 'foo'); print(str(u)); u.end = 2; print(str(u)); u.start = 10; print(str(u))
u = UnicodeEncodeError('ascii', 'a\u20acb', 1, 2, 'no'); print(str(u), u.start, u.end)
print(repr(UnicodeTranslateError('x',0,1,'r').encoding))
try:
    UnicodeTranslateError('x', 0, 1)
except TypeError as e: print(e)
import codecs
try: b'\xff'.decode('ascii')
except UnicodeDecodeError as e: print(e, e.args)
try: '\u20ac'.encode('latin-1')
except UnicodeEncodeError as e: print(e, e.args)
