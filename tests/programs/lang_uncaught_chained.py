# An uncaught exception raised from another (explicit cause): both tracebacks are
# printed, joined by "The above exception was the direct cause...", exit status 1.
def parse(text):
    try:
        return int(text)
    except ValueError as e:
        raise RuntimeError(f"bad config value {text!r}") from e

print(parse("12"))
parse("twelve")
