# An uncaught custom exception raised a few calls deep, after some output: exit status
# 1 and a traceback ending in the exception's str.
class ValidationError(Exception):
    def __init__(self, field, problem):
        super().__init__(f"{field}: {problem}")
        self.field = field

def validate(record):
    for key in ("name", "age"):
        if key not in record:
            raise ValidationError(key, "missing")
    return True

def load(records):
    return [validate(r) for r in records]

print(load([{"name": "a", "age": 1}]))
print("validating the second batch")
load([{"name": "b", "age": 2}, {"name": "c"}])
print("not reached")
