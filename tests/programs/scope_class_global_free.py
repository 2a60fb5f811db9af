# A `global` (or a binding) in a class body does not hide an enclosing function's
# variable from the class's methods: they close over it through the class (CPython's
# DEF_FREE_CLASS), while the class body itself uses the global.

x = "global x"


def global_in_class(x):
    class C:
        global x
        def g(self):
            return x
        seen_in_body = x
    return C().g(), C.seen_in_body


print(global_in_class("local x"))


def bound_in_class():
    y = "function y"
    class C:
        y = "class y"
        def g(self):
            return y
        body_y = y
    return C().g(), C.body_y, C.y


print(bound_in_class())


def method_named_like_free_var():
    def method():
        return "free method"
    class C:
        def method(self):
            return method()
    return C().method()


print(method_named_like_free_var())


def global_hides_binding_from_nested():
    # `global z` in g: h, nested in g, sees the module's z, not f's.
    z = "f's z"
    def g():
        global z
        def h():
            return z
        return h()
    return g(), z


z = "module z"
print(global_hides_binding_from_nested())


def locals_in_class(v):
    class C:
        w = v
        def m(self):
            return v
        names = sorted(k for k in locals() if not k.startswith("__"))
    return C.names, C().m()


print(locals_in_class(7))


def nested_classes(a):
    class Outer:
        global a
        class Inner:
            def get(self):
                return a
    return Outer.Inner().get()


a = "module a"
print(nested_classes("arg a"))


def code_of_class_passes_cell():
    q = 1
    class C:
        global q
        def g(self):
            return q
    return C.g.__code__.co_freevars, C.g.__closure__[0].cell_contents


print(code_of_class_passes_cell())
