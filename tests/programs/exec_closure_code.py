# Code objects with free variables: eval() refuses them, exec() runs them with cells
# given by its keyword-only `closure`, a function's __code__ must keep its closure's
# size (CPython 3.11's builtin_eval/builtin_exec and func_set_code).


def make(x):
    return lambda: x + 1


code = make(3).__code__


def attempt(label, fn, *args, **kw):
    try:
        print(label, "->", fn(*args, **kw))
    except Exception as e:
        print(label, "->", type(e).__name__, e)


attempt("eval free code", eval, code)
attempt("exec free code", exec, code)
attempt("exec with closure", exec, code, {}, closure=make(3).__closure__)
attempt("closure not a tuple", exec, code, {}, {}, closure=5)
attempt("closure a list", exec, code, {}, closure=[make(3).__closure__[0]])
attempt("closure of non-cells", exec, code, {}, closure=(1,))
attempt("closure too long", exec, code, {}, closure=make(1).__closure__ * 2)
attempt("closure for closed code", exec, compile("1", "", "eval"), closure=(1,))
attempt("closure with source", exec, "1", closure=5)
attempt("closure None", exec, "print('ran')", closure=None)
attempt("exec no args", exec)
attempt("exec 4 args", exec, "1", {}, {}, None)
attempt("exec keyword globals", exec, "1", globals={})
attempt("eval no args", eval)
attempt("eval 4 args", eval, "1", {}, {}, None)
attempt("eval keyword", eval, "1", closure=None)


def counter(n):
    def bump():
        nonlocal n
        n += 1
        print("n is", n)
    return bump


bump = counter(10)
exec(bump.__code__, {}, {"unused": 1}, closure=bump.__closure__)
exec(bump.__code__, closure=bump.__closure__)
bump()


def plain():
    pass


attempt("set free code", setattr, plain, "__code__", bump.__code__)
attempt("set closed code", setattr, bump, "__code__", plain.__code__)
bump2 = counter(0)
bump2.__code__ = counter(5).__code__
bump2()
