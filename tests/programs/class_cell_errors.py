class Meta2(type):
    def __new__(cls, name, bases, namespace):
        namespace.pop('__classcell__', None)
        return super().__new__(cls, name, bases, namespace)
class WithoutClassRef(metaclass=Meta2):
    pass
try:
    class WithClassRef(metaclass=Meta2):
        def f(self):
            return __class__
except RuntimeError as e:
    print(e.args[0].split(' as ')[0], 'Was __classcell__' in str(e))
try:
    super(int, int, int)
except TypeError as e:
    print(e)
class B:
    def g(self): return super().__repr__
print(callable(B().g()))
