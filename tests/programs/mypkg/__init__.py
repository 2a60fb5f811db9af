from .util import double
VERSION = (1, 2)
