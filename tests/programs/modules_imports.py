# Imports: .py modules beside the script, packages, relative imports, sys, math, time.
import sys
import math
import time
import helper_module
import helper_module as hm
from helper_module import greet, GREETING
import mypkg
from mypkg.util import double
from mypkg import VERSION

print(greet("world"), hm.greet("again"), helper_module.calls, hm is helper_module, GREETING)
print(mypkg.double(21), double(4), VERSION, mypkg.util.double(1))
print(math.sqrt(16), math.floor(-2.5), math.ceil(2.1), math.pi, math.gcd(12, 18), math.factorial(20))
print(math.log(100, 10), math.log2(8), math.isqrt(99), math.hypot(3, 4), math.inf > 10 ** 300)
t0 = time.perf_counter()
time.sleep(0.01)
print(time.perf_counter() - t0 >= 0.01, type(time.time()).__name__)
print(sys.argv[0].endswith("modules_imports.py"), "helper_module" in sys.modules, sys.maxsize)
print(sys.getrecursionlimit(), sys._is_gil_enabled() if hasattr(sys, "_is_gil_enabled") else False)
try:
    import not_a_real_module
except ModuleNotFoundError as e:
    print("ModuleNotFoundError:", e, e.name)
try:
    math.sqrt(-1)
except ValueError as e:
    print("ValueError:", e)
sys.exit(3)
