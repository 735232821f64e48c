"""A small runner for the Python module's tests (ctest label "python").

Each test file calls ``require(...)`` first, which exits with status 77
(ctest: skipped) and a message when a module it needs is missing, then
``run(globals())``, which runs every ``test_*`` function, prints one line per
test and the closing "N passed, N failed" line, and exits 1 on any failure.
No pytest needed: the suite runs with Debian's python3 alone.
"""
import atexit
import importlib
import os
import shutil
import sys
import tempfile
import time
import traceback


def require(*modules):
    """Imports `modules` (names); exits 77 naming the first that is missing."""
    for name in modules:
        try:
            importlib.import_module(name)
        except ImportError as exc:
            print(f"skipped: {sys.executable} cannot import {name}: {exc}")
            sys.exit(77)


def env_path(name):
    """The path in environment variable `name` (set by ctest); exits 77 when unset."""
    value = os.environ.get(name)
    if not value:
        print(f"skipped: {name} is not set (run through ctest)")
        sys.exit(77)
    return value


def scratch(prefix):
    """A temporary folder, removed when the test script exits."""
    path = tempfile.mkdtemp(prefix=prefix)
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


def run(namespace):
    tests = [(k, v) for k, v in namespace.items() if k.startswith("test_") and callable(v)]
    passed = failed = 0
    for name, fn in tests:
        start = time.perf_counter()
        try:
            fn()
        except Exception:  # noqa: BLE001 - every failure is reported, then the next test runs
            failed += 1
            print(f"FAIL {name}")
            traceback.print_exc()
        else:
            passed += 1
            print(f"ok   {name} ({time.perf_counter() - start:.2f} s)")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


def expect_error(exc_type, message, fn, *args, **kwargs):
    """Calls fn and requires it to raise exc_type with exactly `message`."""
    try:
        fn(*args, **kwargs)
    except exc_type as exc:
        if str(exc) != message:
            raise AssertionError(f"message {str(exc)!r}, expected {message!r}") from exc
        return
    raise AssertionError(f"no {exc_type.__name__} raised (expected {message!r})")
