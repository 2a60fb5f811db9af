# Integer literals of any size in every base.
print(0x10000000000000000)
print(0xFFFF_FFFF_FFFF_FFFF_FFFF)
print(0o7777777777777777777777777)
print(0b1_0000000000000000000000000000000000000000000000000000000000000000)
print(-0x10000000000000000, ~0x10000000000000000)
print((0x10000000000000000, 1))
print(eval("0x1" + "0" * 40))
print(eval("0O" + "7" * 40), eval("0B" + "1" * 100))
print(18446744073709551616, 1_8446744073709551616)
match 0x10000000000000000:
    case 0x10000000000000000:
        print("matched")
x = eval("1" * 4300)
print(len(str(x)))
try:
    eval("1" * 4301)
except SyntaxError as e:
    print("SyntaxError", e.msg)
try:
    exec("y = " + "2" * 5000)
except SyntaxError as e:
    print("SyntaxError", e.msg)
print(eval("0x" + "f" * 5000) % 1000)
import sys
sys.set_int_max_str_digits(0)
print(len(str(eval("3" * 5000))))
