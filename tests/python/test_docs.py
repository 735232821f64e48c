#!/usr/bin/python3
"""Runs every ```python block of docs/python.md, in order, in one namespace.

The blocks are written to run from the repository root after a build; here
they run in a scratch folder that holds links to the repository's inputs/
and to the `nuflare` executable under test (as build/src/app/nuflare), so
nothing is written into the source tree. A block that raises fails the test
and names the block's first line in docs/python.md.
"""
import contextlib
import io
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import env_path, require, run, scratch  # noqa: E402

require("numpy", "h5py", "pandas", "nuflare")  # the archive block shows a DataFrame

BIN = env_path("NUFLARE_BIN")
SRC = env_path("NUFLARE_SOURCE_DIR")
DOC = os.path.join(SRC, "docs/python.md")


def python_blocks(text):
    """(first line number, code) of each ```python block."""
    blocks = []
    for m in re.finditer(r"^```python\n(.*?)^```", text, flags=re.S | re.M):
        blocks.append((text.count("\n", 0, m.start()) + 2, m.group(1)))
    return blocks


def test_docs_python_blocks_run():
    with open(DOC) as f:
        blocks = python_blocks(f.read())
    assert len(blocks) >= 5, f"only {len(blocks)} python blocks in {DOC}"
    folder = scratch("nuflare_py_docs_")
    os.symlink(os.path.join(SRC, "inputs"), os.path.join(folder, "inputs"))
    os.makedirs(os.path.join(folder, "build/src/app"))
    os.symlink(BIN, os.path.join(folder, "build/src/app/nuflare"))
    namespace = {"__name__": "__docs__"}
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        for line, code in blocks:
            out = io.StringIO()
            try:
                with contextlib.redirect_stdout(out):
                    exec(compile(code, f"{DOC}:{line}", "exec"), namespace)
            except Exception as exc:
                raise AssertionError(f"docs/python.md block at line {line} failed: {exc!r}\n"
                                     f"its output:\n{out.getvalue()}") from exc
            print(f"     block at line {line}: {len(out.getvalue().splitlines())} lines printed")
    finally:
        os.chdir(cwd)
    # the example shows what it says it shows
    assert namespace["source"]["flare_class"] in ("TXS-like", "CFS", "NFS", "none")
    assert list(namespace["edges"][[0, -1]]) == [namespace["t"][0], namespace["t"][-1]]


if __name__ == "__main__":
    run(globals())
