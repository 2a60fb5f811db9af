# The _ast node classes: hierarchy, _fields/_attributes/__match_args__, class-level None for optional fields, constructors and their errors, singletons, pickle/copy, compile() flags and errors.
import ast
import copy
import pickle

for name in ["AST", "mod", "Module", "stmt", "FunctionDef", "expr", "Constant", "Name",
             "expr_context", "Load", "operator", "Add", "cmpop", "comprehension",
             "excepthandler", "ExceptHandler", "arguments", "arg", "keyword", "alias",
             "withitem", "match_case", "pattern", "MatchAs", "type_ignore", "TypeIgnore"]:
    cls = getattr(ast, name)
    print(name, [b.__name__ for b in cls.__mro__], cls._fields, cls.__match_args__,
          getattr(cls, "_attributes", "-"), cls.__module__)
print(ast.expr.__doc__)
print(ast.expr_context.__doc__)
print(ast.FunctionDef.__doc__)
print(ast.Constant.kind, ast.expr.end_lineno, ast.arguments.vararg, ast.keyword.arg)
print(ast.PyCF_ONLY_AST, ast.PyCF_TYPE_COMMENTS, ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)

n = ast.Name("x", ast.Load(), lineno=3)
print(n.id, type(n.ctx).__name__, n.lineno, sorted(n.__dict__))
print(ast.dump(ast.BinOp(ast.Constant(1), ast.Add(), right=ast.Constant(2))))
for make in [lambda: ast.Name("a", ast.Load(), 3), lambda: ast.Pass(1), lambda: ast.AST(1),
             lambda: ast.Module(1, 2, 3)]:
    try:
        make()
    except TypeError as e:
        print("TypeError:", e)
e = ast.Constant()
try:
    e.value
except AttributeError as err:
    print("AttributeError:", err)
print(e.kind, ast.AST().__reduce__(), ast.Name(id="q").__reduce__())

t = ast.parse("a = b + c")
print(t.body[0].targets[0].ctx is t.body[0].value.left.ctx, type(t.body[0].value.left.ctx).__name__)
print(t.body[0].value.op is ast.parse("x+y").body[0].value.op)
print(ast.Load() is ast.Load())
t2 = pickle.loads(pickle.dumps(t))
print(ast.dump(t2, include_attributes=True) == ast.dump(t, include_attributes=True))
t3 = copy.deepcopy(t)
print(ast.dump(t3) == ast.dump(t), t3 is not t)
print(isinstance(t, ast.AST), isinstance(t.body[0], ast.stmt), isinstance(t.body[0].value, ast.expr))

match ast.parse("f(1)").body[0].value:
    case ast.Call(ast.Name(id), [ast.Constant(v)]):
        print("matched", id, v)

for bad in ["x = (", "def f(:", "1 +", "a = 1\n  b = 2", "x = 'abc"]:
    try:
        ast.parse(bad)
    except SyntaxError as e:
        print(type(e).__name__, e.msg, e.lineno)
for args in [("x", "<s>", "bogus", ast.PyCF_ONLY_AST), ("x", "<s>", "exec", 1 << 30)]:
    try:
        compile(*args)
    except ValueError as e:
        print("ValueError:", e)
print(type(compile("x + 1", "<s>", "eval", ast.PyCF_ONLY_AST)).__name__)
print(compile(t, "<s>", "exec", ast.PyCF_ONLY_AST) is t)
