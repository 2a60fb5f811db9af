# Codecs beyond the object model's own: the registry through str.encode/bytes.decode, every C codec of encodings/ with each error handler, a custom handler, UTF-7 (incremental too), raw_unicode_escape with lone surrogates, EnvironmentError/IOError.
import codecs
for s in ['\\', '~', '+', '-', 'a+b', '\x00', '\x7f', '\t\n\r ', '!"#$%&*;<=>@[]^_`{|}', '\u20ac', '\u20aca', '\u20ac-', '\U0001f600', '\ud800', '\ud800x', 'A\u20ac\u20acB/', 'Hi Mom -\u263a-!', '\u65e5\u672c\u8a9e', 'a' * 3 + '\U0010ffff' * 2 + '-+']:
    b = s.encode('utf-7'); print(repr(s), b, b.decode('utf-7') == s)
for b in [b'+AFw-', b'+AFw', b'+AFwx', b'+-', b'+!', b'a\x80b', b'+AB', b'+ABC', b'+2D3eAA-', b'+2D0-', b'+2D0x', b'+2D3', b'+AGE', b'+AGF-', b'+AGE.', b'+2D0A', b'+2D3cAA-', b'+2D3cAAA-']:
    for err in ['strict','replace','ignore', 'backslashreplace']:
        try: print(b, err, repr(b.decode('utf-7', err)))
        except Exception as e: print(b, err, type(e).__name__, e)
print(codecs.utf_7_decode(b'a+AGE', 'strict', False), codecs.utf_7_decode(b'a+AGEA', 'strict', False), codecs.utf_7_decode(b'+2D3', 'strict', False), codecs.utf_7_decode(b'ab+AGE-c', 'strict', False))
d = codecs.getincrementaldecoder('utf-7')()
print([d.decode(bytes([c])) for c in b'a+IKwgrA-b'], d.decode(b'', True))
e = codecs.getincrementalencoder('utf-7')()
print(e.encode('a\u20ac'), e.encode('b', True))
print(codecs.utf_7_encode('\u20ac'), codecs.lookup('utf-7').name)
import codecs
encs = ['utf-8', 'utf-16', 'utf-16-le', 'utf-16-be', 'utf-32', 'utf-32-le', 'utf-32-be', 'latin-1', 'ascii', 'cp1252', 'cp437', 'iso8859-15', 'mac-roman', 'koi8-r', 'unicode_escape', 'raw_unicode_escape', 'utf-7', 'charmap']
hands = ['strict', 'ignore', 'replace', 'backslashreplace', 'xmlcharrefreplace', 'namereplace', 'surrogateescape', 'surrogatepass']
texts = ['abc', 'a\xe9b', 'x\u20acy', 'p\U0001f600q', 's\udcffr', 'l\ud800m', '\udc80\udcff']
for enc in encs:
    for h in hands:
        for t in texts:
            try: r = repr(t.encode(enc, h))
            except Exception as e: r = '%s: %s' % (type(e).__name__, e)
            print('E', enc, h, ascii(t), r)
datas = [b'abc', b'a\xe9b', b'\xff\xfe', b'\x80abc', b'\xed\xa0\x80', b'\xe2\x82', b'a\x00b\x00', b'\x00\xd8\x00\xdc', b'\x00\xd8a\x00', b'\\u12', b'\\x4', b'\\N{DASH}', b'+AGE-', b'\x81\x8d\x8f\x90\x9d', b'\x00\x00\x11\x00']
for enc in encs:
    for h in hands:
        for d in datas:
            try: r = ascii(d.decode(enc, h))
            except Exception as e: r = '%s: %s' % (type(e).__name__, e)
            print('D', enc, h, d, r)
def myh(e):
    return ('<%d-%d>' % (e.start, e.end), e.end)
codecs.register_error('test.my', myh)
for enc in encs:
    for t in texts[1:]:
        try: r = repr(t.encode(enc, 'test.my'))
        except Exception as e: r = '%s: %s' % (type(e).__name__, e)
        print('EM', enc, ascii(t), r)
    for d in datas[1:]:
        try: r = ascii(d.decode(enc, 'test.my'))
        except Exception as e: r = '%s: %s' % (type(e).__name__, e)
        print('DM', enc, d, r)
print(EnvironmentError is OSError, IOError is OSError)
try:
    "[\udc80\ud800\udfff]".encode('utf-8', 'surrogateescape')
except UnicodeEncodeError as e:
    print(ascii(e.object[e.start:e.end]), e.start, e.end)
d = codecs.getincrementaldecoder('utf-8')('surrogatepass')
print(ascii(d.decode(b'\xed\xa4')), ascii(d.decode(b'\x81', True)))
print(codecs.lookup('UTF---8').name, codecs.lookup(' latin 1 ').name)
import pickle
print(pickle.loads(pickle.dumps('a\u1234\\\n', 0)) == 'a\u1234\\\n')
print(b'\\u20ac\\x41'.decode('unicode_escape'), 'x\u20ac\n'.encode('unicode_escape'))
for name in ['cp1252', 'rot13', 'hex']:
    try: print('ab'.encode(name))
    except LookupError as e: print(e)
