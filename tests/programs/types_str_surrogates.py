# Lone surrogates are characters of their own: distinct, with their code points, and
# the UTF-8 codec refuses them unless told how to handle them.
a, b = '\ud800', '\udc00'
print(a == b, len(a + b), ord(a), ord(b), hex(ord('\udfff')), repr(a), ascii(b + 'x'))
print(chr(0xd800) == a, repr(chr(0xdbff)), [hex(ord(c)) for c in 'x\ud83d\ude00y'])
print('\U0001f600' != '\ud83d\ude00', len('\ud83d\ude00'))
for s, errors in [(a, 'strict'), (a, 'surrogatepass'), (b + 'z', 'ignore'), (a, 'replace'),
                  (a, 'backslashreplace'), ('\udcff', 'surrogateescape'), (a, 'surrogateescape'),
                  (a, 'xmlcharrefreplace')]:
    try:
        print(errors, s.encode('utf-8', errors))
    except UnicodeEncodeError as e:
        print(errors, type(e).__name__, e)
for enc in ['ascii', 'latin-1']:
    try:
        a.encode(enc)
    except UnicodeEncodeError as e:
        print(enc, e)
print(b'a\xffb\xfe'.decode('utf-8', 'surrogateescape') == 'a\udcffb\udcfe')
print(b'a\xffb'.decode('utf-8', 'surrogateescape').encode('utf-8', 'surrogateescape'))
print(sorted(set('\ud800\ud800\udc00')) == ['\ud800', '\udc00'], 'ab\ud800'.upper() == 'AB\ud800')
print('%r %s' % ('\udc80', len('\udc80' * 3)), f'{b!r}', str(a) == a, a.isprintable(), a.isalpha())
# Runs of surrogates fail together; surrogatepass decodes UTF-8's three-byte forms.
for s in ['\ud800\udc00x', 'a\udcff\udcfeb']:
    try:
        s.encode()
    except UnicodeEncodeError as e:
        print(e.start, e.end, e)
print(b'\xed\xa0\x80\xed\xbf\xbf'.decode('utf-8', 'surrogatepass') == '\ud800\udfff')
print(b'\xffA'.decode('ascii', 'surrogateescape') == '\udcffA', 'é\udcff'.encode('latin-1', 'surrogateescape'))
for data, errors in [(b'\xed\xa0', 'surrogatepass'), (b'\xed\x9f\xbf', 'surrogatepass'), (b'A\x80', 'surrogatepass')]:
    try:
        print(data.decode('utf-8', errors))
    except UnicodeDecodeError as e:
        print(errors, e)
try:
    'é\udcff'.encode('ascii', 'surrogateescape')
except UnicodeEncodeError as e:
    print(e)
# The _codecs module's codecs and handlers agree with str.encode/bytes.decode.
import _codecs
print(_codecs.utf_8_encode('a\ud800', 'surrogatepass'), _codecs.utf_8_encode('\udc80', 'surrogateescape'))
print(_codecs.utf_8_decode(b'\xed\xb0\x80', 'surrogatepass')[0] == '\udc00', _codecs.utf_8_decode(b'\x80', 'surrogateescape')[0] == '\udc80')
print(_codecs.ascii_encode('\udc80x\udcff', 'surrogateescape'), ascii(_codecs.ascii_decode(b'a\x81', 'surrogateescape')[0]))
print(_codecs.lookup_error('surrogateescape')(UnicodeDecodeError('utf-8', b'\xff\xfe', 0, 2, 'x'))[1])
print(_codecs.lookup_error('surrogatepass')(UnicodeEncodeError('utf-8', '\ud800\udc00', 0, 2, 'x')))
print(ascii(_codecs.lookup_error('surrogatepass')(UnicodeDecodeError('utf-8', b'a\xed\xa0\x80', 1, 2, 'x'))))
for args in [('x\udfff',), ('\ud800', 'surrogateescape'), ('\udc80\u20ac', 'surrogateescape')]:
    try:
        _codecs.utf_8_encode(*args)
    except UnicodeEncodeError as e:
        print(e)
print(_codecs.utf_8_encode('\ud800\udc00', 'backslashreplace'), _codecs.utf_8_encode('\udfff', 'xmlcharrefreplace'))
print(ascii(_codecs.unicode_escape_decode(b'\\ud800')[0]), _codecs.unicode_escape_encode('\ud800'))
print(ascii('%c|%s' % (0xdc00, format(0xd801, 'c') == '\ud801')), ascii('a\ud800b'.translate({0xd800: 0xdbff})))
import _json
print(_json.encode_basestring_ascii('\ud800'), _json.scanstring('"\\udc00"', 1)[0] == '\udc00')
print(_json.encode_basestring_ascii('\ud83d\ude00'), ascii(_json.encode_basestring('\udc00')))
# Case mappings leave surrogates alone; they sort at their own code points.
s = '\ud800'
print(s.upper() == s, s.lower() == s, s.isprintable(), s.isidentifier(), s.isspace(), s.title() == s)
print(sorted(['\ud800', '\ue000', 'a']) == ['a', '\ud800', '\ue000'], '\ud800' < '\ue000', max('\udfff', '\U00010000') == '\U00010000')
print(s.center(5, '\udc00') == '\udc00\udc00\ud800\udc00\udc00', '\ud800x'.split('x'), s * 2 == '\ud800\ud800')
print(hash(s) == hash('\ud800'), s in 'ab\ud800', 'ab\ud800'.find(s), {s: 1}.get('\ud800'))
import unicodedata
print(unicodedata.category('\ud800'), unicodedata.bidirectional('\udfff'), unicodedata.east_asian_width('\udc00'))
# Printing a lone surrogate fails as the UTF-8 encoder does.
import sys
try:
    print('\ud800')
except UnicodeEncodeError as e:
    print('print:', e, file=sys.stderr)
sys.stdout.flush()
# UTF-16 and UTF-32: surrogates are refused, passed with surrogatepass, decoded back.
for f, args in [(_codecs.utf_16_encode, ('a\ud800',)), (_codecs.utf_16_le_encode, ('\udc00\udfffz',)),
                (_codecs.utf_32_be_encode, ('x\ud800',)), (_codecs.utf_16_encode, ('a\ud800', 'surrogatepass')),
                (_codecs.utf_16_be_encode, ('\ud800\udc00', 'surrogatepass')), (_codecs.utf_32_encode, ('\udfff', 'surrogatepass')),
                (_codecs.utf_16_le_encode, ('\udc80', 'surrogateescape')), (_codecs.utf_32_le_encode, ('\ud800', 'replace')),
                (_codecs.utf_16_encode, ('\ud800', 'strict', -1)), (_codecs.utf_16_encode, ('\ud800', 'strict', 1))]:
    try:
        print(f(*args))
    except UnicodeEncodeError as e:
        print(e.encoding, e)
for f, data in [(_codecs.utf_16_le_decode, b'\x00\xd8a\x00'), (_codecs.utf_16_be_decode, b'\xdc\x00'),
                (_codecs.utf_32_le_decode, b'\x00\xd8\x00\x00'), (_codecs.utf_16_le_decode, b'\x00\xd8')]:
    for errors in ['strict', 'surrogatepass']:
        try:
            print(ascii(f(data, errors, True)))
        except UnicodeDecodeError as e:
            print(errors, e)
# The highest code points are themselves, not surrogates.
for cp in [0x10ffff, 0x10fffe, 0x10fffd, 0x10f800, 0x100000, 0xfffd]:
    c = chr(cp)
    print(hex(ord(c)), ascii(c), len(c.encode()), len(_codecs.utf_16_le_encode(c)[0]))
