# _json's string functions: scanstring (escapes, surrogate pairs, strict control
# characters) and the two string encoders.
import _json


def show(f, *a):
    try:
        print("ok", repr(f(*a)))
    except Exception as e:
        print(type(e).__name__, e)


show(_json.scanstring, 'abc"def', 0)
show(_json.scanstring, '"a\\u00e9\\n\\ud83d\\ude00\\t\\"\\\\\\/\\b\\fx"', 1)
show(_json.scanstring, 'a\nb"', 0, False)
show(_json.scanstring, 'caf\u00e9 "', 0)
show(_json.scanstring, "x", 5)
show(_json.scanstring, "x", -1)
show(_json.scanstring, 5, 0)
show(_json.scanstring)
for s in ["", "plain", 'a"\\\n\r\t\b\f', "\u00e9\u20ac\U0001f600", "\x00\x1f\x7f", "</script>"]:
    print(_json.encode_basestring_ascii(s), _json.encode_basestring(s))
show(_json.encode_basestring_ascii, 5)
show(_json.encode_basestring, b"x")
show(_json.encode_basestring)
show(_json.scanstring, "a", 0, True, 4)
