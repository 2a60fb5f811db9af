# The _json accelerator (CPython 3.11's Modules/_json.c): scanstring, the string escapers, make_scanner with its hooks and errors, make_encoder with its settings, markers and errors, and json.dumps/loads through them.
import json
import json.decoder
import json.encoder
import json.scanner
import sys

import _json


def show(label, f):
    try:
        r = f()
    except BaseException as e:
        extra = ""
        if isinstance(e, json.JSONDecodeError):
            extra = f" pos={e.pos} lineno={e.lineno} colno={e.colno}"
        if isinstance(e, StopIteration):
            extra = f" value={e.value!r}"
        print(label, "->", type(e).__name__, e, extra)
    else:
        print(label, "->", repr(r))


print("picked up:", json.scanner.make_scanner is _json.make_scanner,
      json.encoder.c_make_encoder is _json.make_encoder,
      json.decoder.scanstring is _json.scanstring,
      json.encoder.encode_basestring_ascii is _json.encode_basestring_ascii)
print("modules:", _json.make_scanner.__module__, _json.make_encoder.__module__,
      _json.scanstring.__module__)
print("types:", _json.make_scanner.__name__, _json.make_encoder.__name__,
      _json.make_scanner.__doc__, "|", _json.make_encoder.__doc__)

# scanstring: escapes, surrogates, strictness, errors and their positions.
for doc, end, *strict in [
    ('"plain"', 1), ('"a\\n\\t\\"\\\\\\/\\b\\f\\r"', 1), ('"\\u00e9\\u20AC"', 1),
    ('"\\ud83d\\ude00"', 1), ('"\\ud800"', 1), ('"\\ud800\\u0041"', 1),
    ('"\\udc00\\ud800"', 1), ('"\\ud800\\udc00', 1), ('"\\u12', 1), ('"\\u1234', 1),
    ('"\\u12g4"', 1), ('"\\ud800\\uzzzz"', 1), ('"\\x"', 1), ('"abc', 1), ('abc', 0),
    ('"abc"', 6), ('"abc"', -1), ('"a\x01"', 1), ('"a\x01"', 1, 0), ('"a\x1f"', 1, False),
    ('x"é\\u00e9"', 2), ('"\\', 1), ('"ab\\', 1),
]:
    show(f"scanstring({doc!r}, {end}{', ' + repr(strict[0]) if strict else ''})",
         lambda: _json.scanstring(doc, end, *strict))
show("scanstring bytes", lambda: _json.scanstring(b'"x"', 1))
show("scanstring overflow", lambda: _json.scanstring(b"xxx", sys.maxsize + 1))
show("scanstring strict=2.5", lambda: _json.scanstring('"a"', 1, 2.5))
show("scanstring 1 arg", lambda: _json.scanstring('"a"'))
show("scanstring kw", lambda: _json.scanstring('"a"', end=1))

# The escapers.
SAMPLES = ["", "plain", 'q"b\\s/', "\x00\x1f\x7f\x80", "é€😀", "\ud800", "\udfff\ud800",
           "\ud83d\ude00", "\b\f\n\r\t"]
for s in SAMPLES:
    print("escape", repr(s), _json.encode_basestring_ascii(s), repr(_json.encode_basestring(s)))
show("escape int", lambda: _json.encode_basestring_ascii(5))
show("escape 2 args", lambda: _json.encode_basestring("a", "b"))

# make_scanner.
dec = json.decoder.JSONDecoder()
scan = _json.make_scanner(dec)
print("scanner attrs:", scan.strict, scan.object_hook, scan.object_pairs_hook,
      scan.parse_float, scan.parse_int, scan.parse_constant == dec.parse_constant)
show("scanner readonly", lambda: setattr(scan, "strict", False))
show("scanner no memo", lambda: scan.memo)
DOCS = ['[1,2', '', 'x', '[1,]', '{"a":1,}', '{"a" 1}', '{1:1}', '[1 2]', '[', '[1', '{', '{"a"',
        '{"a":', '-', '-x', '1.5e', '1.e5', '1e+', '1E-2x', '01', '-0', '-0.0e-0',
        '-Infinity NaN', '[NaN, Infinity, -Infinity, null, true, false]', 'nul', 'tru', 'Infinit',
        ' [1]', '{"é": [1, -2.5e-3, "\\u00e9x", {}], "b": []}', '123456789012345678901234567890',
        '1E400', '[\n 1 ,\t2\r]', '{ "a" : { } , "b" : [ ] }', '"\x01"', '[1]]']
for d in DOCS:
    show(f"scan({d!r})", lambda: scan(d, 0))
show("scan idx -1", lambda: scan("[1]", -1))
show("scan idx past end", lambda: scan("[1]", 3))
show("scan idx mid", lambda: scan("[1, 22]", 4))
show("scan bytes", lambda: scan(b"[1]", 0))
show("scan kwargs", lambda: scan(string="[1]", idx=0))
show("scan 3 args", lambda: scan("[1]", 0, 1))
show("scan 1 arg", lambda: scan("[1]"))
show("scan huge idx", lambda: scan("[1]", 2**70))
show("scan float idx", lambda: scan("[1]", 1.0))
show("scanner of int", lambda: _json.make_scanner(1))
show("scanner no args", lambda: _json.make_scanner())
show("subclass scanner", lambda: type("S", (_json.make_scanner,), {}))

keys = scan('[{"k": 1}, {"k": 2}]', 0)[0]
print("memoized keys:", list(keys[0])[0] is list(keys[1])[0])


class BadBool:
    def __bool__(self):
        1 / 0


show("strict=BadBool", lambda: json.decoder.JSONDecoder(strict=BadBool()).decode('""'))

hooked = _json.make_scanner(json.decoder.JSONDecoder(
    object_hook=lambda d: ("H", sorted(d.items())), parse_float=lambda s: ("F", s),
    parse_int=lambda s: ("I", s), parse_constant=lambda s: ("C", s)))
show("hooks", lambda: hooked('{"a": [1, 2.0, 1e3, NaN, -Infinity, {"b": -0}]}', 0))
pairs = _json.make_scanner(json.decoder.JSONDecoder(
    object_pairs_hook=lambda p: ("P", p), object_hook=lambda d: 1 / 0))
show("pairs hook", lambda: pairs('{"a": {"x": 1, "x": 2}, "b": {}}', 0))
failing = _json.make_scanner(json.decoder.JSONDecoder(parse_int=lambda s: int(s) // 0))
show("failing hook", lambda: failing("[1]", 0))
lax = _json.make_scanner(json.decoder.JSONDecoder(strict=False))
show("non-strict", lambda: lax('["a\tb\x00"]', 0))

old = sys.getrecursionlimit()
sys.setrecursionlimit(200)
show("deep array", lambda: scan("[" * 1000, 0))
show("deep object", lambda: scan('{"a":' * 1000, 0))
sys.setrecursionlimit(old)

# json.loads through the C scanner: JSONDecodeError positions.
for d in ['{"a": 1, "b": [true, false, null]}', '[1, 2', '{"a" 1}', '[1,]', '\n\n  [1, x]',
          '"\\ud834\\udd1e"', '1' * 5000, '{"a": 1} x', '']:
    show(f"loads({d[:40]!r})", lambda: json.loads(d))

# make_encoder.
E = _json.make_encoder
ea = _json.encode_basestring_ascii
enc = E({}, lambda o: ["default", type(o).__name__], ea, None, ": ", ", ", False, False, True)
print("encoder attrs:", enc.markers, enc.encoder is ea, enc.indent, repr(enc.key_separator),
      repr(enc.item_separator), enc.sort_keys, enc.skipkeys)
show("encoder no allow_nan attr", lambda: enc.allow_nan)
show("encoder readonly", lambda: setattr(enc, "indent", 2))


class Obj:
    def __repr__(self):
        return "Obj()"


class IntSub(int):
    def __repr__(self):
        return "IntSub!"


class FloatSub(float):
    def __repr__(self):
        return "FloatSub!"


class StrSub(str):
    def __str__(self):
        return "StrSub!"


for obj in [None, True, False, 0, -12345678901234567890, 2.5, 1e300, -0.0, 1 / 3, "x\u00e9\n",
            [], {}, (), [1, [2, (3,)]], {"a": {"b": [None]}}, Obj(), IntSub(7), FloatSub(1.5),
            StrSub("s"), {IntSub(1): 1, FloatSub(2.5): 2, StrSub("k"): 3},
            {1.5: 1, True: 2, False: 3, None: 4, 7: 5, "s": 6}, float("nan"), float("-inf")]:
    show(f"encode {obj!r}"[:60], lambda: enc(obj, 0))
show("tuple key", lambda: enc({(1,): 1}, 0))
show("bytes key", lambda: enc({b"x": 1}, 0))
circ = []
circ.append(circ)
show("circular list", lambda: enc(circ, 0))
circd = {}
circd["a"] = circd
show("circular dict", lambda: enc(circd, 0))
selfish = Obj()
show("circular default", lambda: E({}, lambda o: o, ea, None, ":", ",", False, False, True)(selfish, 0))
show("default raises", lambda: E(None, lambda o: 1 / 0, ea, None, ":", ",", False, False, True)([Obj()], 0))
shared = [1]
show("shared not circular", lambda: enc([shared, shared, {"x": shared}], 0))
show("kwargs call", lambda: enc(obj=[1], _current_indent_level=3))
show("missing level", lambda: enc(1))
show("str level", lambda: enc(1, "x"))
show("huge level", lambda: enc(1, 2**80))

sorted_enc = E(None, lambda o: o, _json.encode_basestring, 4, "=", ";", True, True, False)
show("sort_keys skipkeys indent-ignored", lambda: sorted_enc({"b": 1, "a": [1, 2], (1,): 3, "é": "ü"}, 0))
show("allow_nan=False", lambda: sorted_enc(float("inf"), 0))
show("allow_nan=False key", lambda: sorted_enc({float("nan"): 1}, 0))
show("unsortable", lambda: sorted_enc({"a": 1, 1: 2}, 0))
show("default None", lambda: E(None, None, ea, None, ":", ",", 0, 0, 0)(Obj(), 0))
show("bad separator", lambda: E(None, None, None, None, 1, ", ", 0, 0, 0))
show("bad markers", lambda: E(1, None, None, None, ": ", ", ", False, False, False))
show("too few", lambda: E(None, None, None, None, ":", ", ", 0, 0))
show("too many", lambda: E(None, None, None, None, ":", ", ", 0, 0, 0, 0))
show("bad bool", lambda: E(None, None, ea, None, ":", ",", BadBool(), 0, 0))
show("bad encoder result", lambda: E(None, None, lambda s: 5, None, ":", ",", 0, 0, 0)("x", 0))
show("bad encoder key", lambda: E(None, None, lambda s: None, None, ":", ",", 0, 0, 0)({"k": 1}, 0))
show("custom encoder", lambda: E(None, None, lambda s: "<" + s + ">", None, ":", ",", 0, 0, 0)({"k": ["v"]}, 0))
show("python encoder fn", lambda: E(None, None, json.encoder.py_encode_basestring, None, ":", ",", 0, 0, 0)(["é\n"], 0))


class ItemsDict(dict):
    def items(self):
        return [("q", 1), ("r",)]


class BadItems(dict):
    def items(self):
        return 5


class ReorderedDict(dict):
    def items(self):
        return reversed(list(super().items()))


show("items not pairs", lambda: enc(ItemsDict(a=1), 0))
show("items not iterable", lambda: enc(BadItems(a=1), 0))
show("items reordered", lambda: enc(ReorderedDict(a=1, b=2), 0))
show("empty subclass", lambda: enc(ItemsDict(), 0))
show("int digit limit", lambda: enc(10**5000, 0))

sys.setrecursionlimit(200)
nested = []
for _ in range(500):
    nested = [nested]
show("deep encode", lambda: enc(nested, 0))
sys.setrecursionlimit(old)

# json.dumps through the C encoder (no indent), and its flag errors.
data = {"name": "strand", "list": [1, 2.5, None, True, "é"], "nested": {"z": [], "a": {}}}
print(json.dumps(data))
print(json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")))
print(json.dumps(data, indent=2, sort_keys=True))
print(json.dumps([float("nan"), 1e-7, 123456789.0]))
show("dumps allow_nan", lambda: json.dumps([float("inf")], allow_nan=False))
show("dumps bad key", lambda: json.dumps({(1, 2): 3}))
show("dumps skipkeys", lambda: json.dumps({(1, 2): 3, "k": 4}, skipkeys=True))
show("dumps default", lambda: json.dumps({"s": {1, 2}}, default=sorted))
show("dumps circular", lambda: json.dumps(circ))
for flag in ["skipkeys", "ensure_ascii", "check_circular", "allow_nan", "sort_keys"]:
    show(f"dumps {flag}=BadBool", lambda: json.JSONEncoder(**{flag: BadBool()}).encode({"a": 1}))
print(json.loads(json.dumps(data)) == data)
