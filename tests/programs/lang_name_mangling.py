# Private name mangling: __names inside classes become _Class__names.
class Account:
    __count = 0
    def __init__(self, owner):
        self.__owner = owner
        Account.__count += 1
    def owner(self):
        return self.__owner
    @classmethod
    def count(cls):
        return cls.__count
    def __secret(self):
        return "secret of " + self.__owner
    def reveal(self):
        return self.__secret()

a = Account("ann")
Account("bob")
print(a.owner(), Account.count(), a.reveal())
print(sorted(k for k in vars(Account) if "count" in k or "secret" in k) if False else sorted(k for k in Account.__dict__ if "count" in k or "secret" in k))
print(sorted(a.__dict__), a._Account__owner)
try:
    a.__owner
except AttributeError as e:
    print("AttributeError:", e)

class Sub(Account):
    def __init__(self, owner):
        super().__init__(owner)
        self.__owner = "sub-" + owner
    def both(self):
        return self.__owner, self._Account__owner
s = Sub("cy")
print(s.both(), sorted(s.__dict__))

class _Leading:
    def __m(self):
        return "stripped leading underscores"
    def call(self):
        return self.__m()
print(_Leading().call(), [k for k in _Leading.__dict__ if k.endswith("__m")])

class Dunder:
    def __init__(self):
        self.__not_mangled__ = "dunder names are not mangled"
print(Dunder().__not_mangled__)

class InComprehension:
    __items = [1, 2, 3]
    doubled = [x * 2 for x in __items]
    def get(self):
        return [self.__items[i] for i in range(2)]
print(InComprehension.doubled, InComprehension().get())

class Nested:
    class __Inner:
        value = "inner"
    def get(self):
        return self.__Inner.value
print(Nested().get(), hasattr(Nested, "_Nested__Inner"))

def outside():
    return "module-level __names are left alone"
class Caller:
    def call(self):
        __x = 5
        return __x, outside()
print(Caller().call())
