"""A module imported by modules_imports.py (not a test program by itself)."""
GREETING = "hello"
calls = 0

def greet(name):
    global calls
    calls += 1
    return f"{GREETING}, {name}"
