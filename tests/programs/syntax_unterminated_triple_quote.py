s = """abc
d
