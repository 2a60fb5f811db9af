# decimal (CPython's _pydecimal, whose contexts are context variables), fractions and
# statistics from CPython's Lib.
import decimal
from decimal import Decimal, getcontext, localcontext
print(Decimal("1.1") + Decimal("2.2"), Decimal(1) / Decimal(7))
getcontext().prec = 10
print(Decimal(1) / Decimal(7))
with localcontext() as c:
    c.prec = 3
    print(Decimal(2).sqrt())
print(Decimal(2).sqrt())
import fractions
print(fractions.Fraction(3, 4) + fractions.Fraction(1, 6), fractions.Fraction("0.125"))
import statistics
print(statistics.mean([1, 2, 3, 4]), statistics.median([3, 1, 2]), statistics.stdev([1.0, 2.0, 4.0]))
print(statistics.fmean([1, 2, 3.5]), statistics.mode([1, 1, 2]))
