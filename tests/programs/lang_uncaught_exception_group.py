# An uncaught exception group after except* handled part of it: the nested group is
# printed as CPython boxes it, each sub-exception with its own traceback.
def leaf(n):
    raise ValueError(f"leaf {n}")
def collect():
    errors = []
    for i in range(3):
        try:
            leaf(i)
        except ValueError as e:
            errors.append(e)
    try:
        {}["k"]
    except KeyError as e:
        errors.append(ExceptionGroup("nested", [e, TypeError("no tb")]))
    raise ExceptionGroup("collected", errors)
try:
    collect()
except* TypeError:
    print("typeerrors handled")
