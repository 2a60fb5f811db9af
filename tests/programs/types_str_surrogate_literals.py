# Lone surrogates in every kind of string literal: docstrings, f-strings (with
# raw and doubled-brace parts), implicit concatenation, match patterns, eval.
def f():
    '\ud800 doc'
x = 5
print(ascii(f.__doc__), ascii(f'\ud800{x}\udc00'), ascii('\ud800' 'a' '\udc01'), ascii('\ud800' + 'x'), ascii('\udc00' * 2))
print(ascii(r'\ud800'), ascii('\ufffd\ud800�'), ascii('\N{REPLACEMENT CHARACTER}\udbff'), ascii("""\ud800
\
x"""))
match '\ud800':
    case '\udc00': print('wrong')
    case '\ud800': print('right')
match {'\ud800': 1}:
    case {'\udc00': 1}: print('wrong')
    case {'\ud800': 1}: print('right')
print(('\ud800', '\udc00') == ('\udc00', '\ud800'), ['\ud800'] == ['\udc00'])
print(ascii(eval(r"'\ud800'")), ascii(compile(r"'\udc00'", "s", "eval").co_consts))
print(ascii(u'\ud800'), ascii(b'\\ud800'.decode('unicode_escape')) if False else 1)
y = 3
print(ascii(rf'\ud800{y}�'), ascii(f'�{y}\udc00{{}}\N{BULLET}'), ascii(f'{y:\ud800>4}'), ascii(f'\ud800' f'{y}' '\udc01'))
