# In the development mode (-X dev) str.encode, bytes.decode, bytes(str, ...) and
# str(bytes, ...) look up their encoding and error handler even when no character
# needs them; outside it they do not.
import subprocess
import sys

code = r'''
import sys
print(sys.flags.dev_mode)
for f in [lambda: ''.encode('utf-8', 'Boom'), lambda: ''.encode('Boom'),
          lambda: b''.decode(errors='Boom'), lambda: bytes('', 'ascii', 'Boom'),
          lambda: str(b'', 'latin1', 'Boom'), lambda: 'abc'.encode('ascii', 'Boom'),
          lambda: bytearray('', 'utf8', 'Boom'), lambda: 'x'.encode('utf-8', 'strict'),
          lambda: b'x'.decode('latin-1', 'ignore')]:
    try:
        print(repr(f()))
    except LookupError as e:
        print('LookupError', e)
'''
for flags in ([], ['-X', 'dev']):
    r = subprocess.run([sys.executable, *flags, '-c', code], capture_output=True, text=True)
    print(flags, r.returncode)
    print(r.stdout, end='')
