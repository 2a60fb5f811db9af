"""Runs one CPython regression-test module and records every test's outcome.

Usage: ``INTERPRETER driver.py MODULE OUT [SKIP]`` (MODULE such as ``test.test_int``
or ``test.test_json``; OUT a file path; SKIP a file of test ids, one a line, not to run). Run by tests/cpython/run.py, once under strand and
once under python3, in a fresh process and an empty working directory per module.

Loading follows what ``python3 -m test`` does for one module (test.libregrtest.single:
``importlib.import_module`` and ``unittest.TestLoader().loadTestsFromModule``, which
honours ``load_tests``, so packages such as test_json and test_asyncio load their
submodules), and test.support is set up as regrtest sets it up by default (no ``-u``
resources, not verbose). The suite runs under a plain ``unittest.TestResult`` subclass,
not regrtest's runner, so an interpreter without faulthandler, resource limits or
regrtest's environment checks still runs it.

OUT is JSON lines, one object per event, flushed as it is written, so a crash or a
timeout still leaves what ran:

- ``{"event": "begin", "module": ..., "version": ...}``
- ``{"event": "import_error", "message": "ExcType: message"}`` (the module did not import)
- ``{"event": "module_skip", "message": ...}`` (the module raised SkipTest on import)
- ``{"event": "start", "id": TEST_ID}`` before each test
- ``{"event": "test", "id": TEST_ID, "outcome": O, "message": ..., "where": ...}`` after
  each test, O one of passed, failed, error, skipped, expected_failure,
  unexpected_success; also for class and module fixtures that fail (their id is
  unittest's, e.g. ``setUpClass (test.test_x.C)``)
- ``{"event": "end", "counts": {...}, "seconds": ...}`` when the suite has run.
"""

import json
import sys
import time

# Outcomes from least to most severe: a test's outcome is its most severe part's (a
# test whose subtests fail is failed, whatever the other subtests did).
SEVERITY = {
    "passed": 0,
    "skipped": 1,
    "expected_failure": 2,
    "unexpected_success": 3,
    "failed": 4,
    "error": 5,
}

MAX_MESSAGE = 300


class Log:
    """The JSON-lines output file, flushed after every record."""

    def __init__(self, path):
        self.file = open(path, "w", encoding="utf-8")

    def emit(self, record):
        self.file.write(json.dumps(record) + "\n")
        self.file.flush()


def exception_line(exc_type, exc_value):
    """``Type: first line of message``, as the last line of a traceback shows it
    (qualified by module when not a builtin)."""
    try:
        name = exc_type.__qualname__
        module = getattr(exc_type, "__module__", "builtins")
        if module not in ("builtins", "__main__", None):
            name = module + "." + name
    except BaseException:
        name = repr(exc_type)
    try:
        text = str(exc_value)
    except BaseException as e:
        text = "<str() failed: %s>" % type(e).__name__
    lines = [l for l in text.strip().splitlines() if l.strip()]
    if lines and lines[0].startswith("Failed to import test module:") and len(lines) > 1:
        # unittest's loader puts the import's whole traceback in the message: its
        # last line is the cause.
        text = lines[0] + " " + lines[-1].strip()
    else:
        text = lines[0] if lines else ""
    line = name + ": " + text if text else name
    return line[:MAX_MESSAGE]


def innermost_frame(tb):
    """``file:line in function`` of a traceback's innermost frame, or None."""
    try:
        last = None
        while tb is not None:
            last = tb
            tb = tb.tb_next
        if last is None:
            return None
        code = last.tb_frame.f_code
        path = code.co_filename
        marker = "/python3.11/"
        if marker in path:
            path = path.split(marker, 1)[1]
        return "%s:%d in %s" % (path, last.tb_lineno, code.co_name)
    except BaseException:
        return None


def make_result_class(unittest, log):
    class Recorder(unittest.TestResult):
        """Records each test's outcome (subtests folded into their test) to the log."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.current = None
            self.counts = {k: 0 for k in SEVERITY}

        def startTest(self, test):
            super().startTest(test)
            self.current = {"id": test.id(), "outcome": None, "message": None, "where": None}
            log.emit({"event": "start", "id": test.id()})

        def _note(self, test, outcome, message=None, where=None):
            cur = self.current
            if cur is None or not self._same(test, cur["id"]):
                # A fixture (setUpClass, setUpModule, ...) outside any test.
                self._write({"id": self._id(test), "outcome": outcome, "message": message, "where": where})
                return
            old = cur["outcome"]
            if old is None or SEVERITY[outcome] > SEVERITY[old]:
                cur["outcome"] = outcome
                cur["message"] = message
                cur["where"] = where

        @staticmethod
        def _id(test):
            try:
                return test.id()
            except BaseException:
                return str(test)

        def _same(self, test, test_id):
            # A subtest's outcome belongs to the test it runs in.
            owner = getattr(test, "test_case", test)
            return self._id(owner) == test_id

        def _write(self, record):
            record["event"] = "test"
            if record["outcome"] is None:
                record["outcome"] = "error"
                record["message"] = "no outcome was reported for this test"
            self.counts[record["outcome"]] += 1
            log.emit(record)

        def stopTest(self, test):
            super().stopTest(test)
            if self.current is not None:
                self._write(self.current)
                self.current = None

        def _err(self, test, err, outcome):
            self._note(test, outcome, exception_line(err[0], err[1]), innermost_frame(err[2]))

        def addSuccess(self, test):
            super().addSuccess(test)
            self._note(test, "passed")

        def addError(self, test, err):
            super().addError(test, err)
            self._err(test, err, "error")

        def addFailure(self, test, err):
            super().addFailure(test, err)
            self._err(test, err, "failed")

        def addSkip(self, test, reason):
            super().addSkip(test, reason)
            self._note(test, "skipped", str(reason)[:MAX_MESSAGE])

        def addExpectedFailure(self, test, err):
            super().addExpectedFailure(test, err)
            self._note(test, "expected_failure")

        def addUnexpectedSuccess(self, test):
            super().addUnexpectedSuccess(test)
            self._note(test, "unexpected_success", "unexpected success")

        def addSubTest(self, test, subtest, err):
            super().addSubTest(test, subtest, err)
            if err is not None:
                outcome = "failed" if issubclass(err[0], test.failureException) else "error"
                self._err(subtest, err, outcome)

    return Recorder


def drop_tests(unittest, suite, skip):
    """Removes the tests whose id is in skip from suite, recursively (as regrtest's
    _filter_suite does for -m): run.py reruns a module without the tests that already
    ran and the one that crashed or hung."""
    kept = []
    for test in suite._tests:
        if isinstance(test, unittest.TestSuite):
            drop_tests(unittest, test, skip)
            kept.append(test)
        elif test.id() not in skip:
            kept.append(test)
    suite._tests = kept


def import_support(log):
    """Imports test.support, working around what an interpreter lacks that only
    test.support's own set-up needs, and logs each workaround used.

    One is known: ``float.__getformat__`` (test.support evaluates
    ``float.__getformat__("double").startswith("IEEE")`` at import for its
    ``requires_IEEE_754`` decorator). Where the interpreter lacks it, test.support is
    executed from its own source with that one expression replaced by ``True`` (every
    platform strand runs on has IEEE 754 doubles). The workaround retires by itself
    once the interpreter has ``float.__getformat__``. ``--no-workarounds`` (the
    environment variable STRAND_CONFORMANCE_NO_WORKAROUNDS=1) turns it off."""
    import os

    if hasattr(float, "__getformat__") or os.environ.get("STRAND_CONFORMANCE_NO_WORKAROUNDS") == "1":
        from test import support

        return support
    import importlib.util
    import test

    expr = 'float.__getformat__("double").startswith("IEEE")'
    path = None
    for entry in test.__path__:
        candidate = os.path.join(entry, "support", "__init__.py")
        if os.path.exists(candidate):
            path = candidate
            break
    if path is None:
        from test import support

        return support
    with open(path, encoding="utf-8") as f:
        source = f.read()
    if expr not in source:
        from test import support

        return support
    log.emit({"event": "workaround", "message": "float.__getformat__ is missing: test.support imported with %s replaced by True" % expr})
    spec = importlib.util.spec_from_file_location("test.support", path, submodule_search_locations=[os.path.dirname(path)])
    module = importlib.util.module_from_spec(spec)
    sys.modules["test.support"] = module
    try:
        exec(compile(source.replace(expr, "True"), path, "exec"), module.__dict__)
    except BaseException:
        del sys.modules["test.support"]
        raise
    test.support = module
    return module


def main(argv):
    if len(argv) not in (3, 4):
        sys.stderr.write("usage: driver.py MODULE OUT [SKIP]\n")
        return 2
    name, out = argv[1], argv[2]
    skip = set()
    if len(argv) == 4:
        with open(argv[3], encoding="utf-8") as f:
            skip = {line.strip() for line in f if line.strip()}
    log = Log(out)
    log.emit({"event": "begin", "module": name, "version": sys.version})
    started = time.monotonic()
    try:
        import importlib
        import unittest

        support = import_support(log)

        # As regrtest sets them without -u or -v: resource-gated tests skip.
        support.use_resources = []
        support.verbose = 0
        support.failfast = False
        module = importlib.import_module(name)
    except BaseException as e:
        if type(e).__name__ in ("SkipTest", "ResourceDenied"):
            log.emit({"event": "module_skip", "message": exception_line(type(e), e)})
            log.emit({"event": "end", "counts": {}, "seconds": time.monotonic() - started})
            return 0
        log.emit({"event": "import_error", "message": exception_line(type(e), e), "where": innermost_frame(e.__traceback__)})
        return 0

    try:
        loader = unittest.TestLoader()
        suite = loader.loadTestsFromModule(module)
    except BaseException as e:
        log.emit({"event": "import_error", "message": "loading tests: " + exception_line(type(e), e), "where": innermost_frame(e.__traceback__)})
        return 0
    if skip:
        drop_tests(unittest, suite, skip)
    result = make_result_class(unittest, log)()
    try:
        suite.run(result)
    except SystemExit:
        raise
    except BaseException as e:
        # Something escaped unittest itself (its runner catches what tests raise).
        log.emit({"event": "runner_error", "message": exception_line(type(e), e), "where": innermost_frame(e.__traceback__)})
    log.emit({"event": "end", "counts": result.counts, "seconds": time.monotonic() - started})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
