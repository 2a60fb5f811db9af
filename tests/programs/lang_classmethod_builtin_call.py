# A classmethod wrapping a builtin function, called through its bound method at a
# call site hot enough to specialize (the specializer assumed a Python function).
class K:
    f = classmethod(len)
for i in range(100):
    try:
        K.f()
    except TypeError as e:
        last = str(e)
print(last)
