"""The io module: strand's native _io, under CPython's public names."""

from _io import (DEFAULT_BUFFER_SIZE, UnsupportedOperation, open, FileIO,
                 BufferedReader, BufferedWriter, BufferedRandom, TextIOWrapper,
                 StringIO, BytesIO, _IOBase, _RawIOBase, _BufferedIOBase,
                 _TextIOBase)

__all__ = ["BlockingIOError", "open", "IOBase", "RawIOBase", "FileIO",
           "BytesIO", "StringIO", "BufferedIOBase", "BufferedReader",
           "BufferedWriter", "BufferedRandom", "TextIOBase", "TextIOWrapper",
           "UnsupportedOperation", "SEEK_SET", "SEEK_CUR", "SEEK_END",
           "DEFAULT_BUFFER_SIZE"]

SEEK_SET = 0
SEEK_CUR = 1
SEEK_END = 2

IOBase = _IOBase
RawIOBase = _RawIOBase
BufferedIOBase = _BufferedIOBase
TextIOBase = _TextIOBase
BlockingIOError = BlockingIOError
