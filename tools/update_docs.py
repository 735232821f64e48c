#!/usr/bin/python3
"""Writes the documentation generated from nuflare's option tables:

* the subcommands of docs/cli.md, the command-line contract, between the
  markers <!-- subcommands --> and <!-- /subcommands -->
  (`nuflare help-tables --doc cli`);
* the key tables of inputs/README.md, between the markers
  <!-- keys:NAME --> and <!-- /keys:NAME --> (`nuflare help-tables`).

usage: tools/update_docs.py [--check] [NUFLARE_BIN]
  --check  write nothing; exit 1 (naming the stale file) when a file differs
           from what the option tables give, 0 when both are current.
NUFLARE_BIN defaults to $NUFLARE_BIN, then build/src/app/nuflare.
"""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def generated(binary, *args):
    return subprocess.run([binary, "help-tables", *args], check=True, capture_output=True,
                          text=True).stdout


MARKED = re.compile(r"(<!-- ((?:keys:)?\S+) -->\n.*?<!-- /\2 -->\n)", re.S)


def with_blocks(path, text, generated_text):
    """`text` with every marked block replaced by the generated block of that name."""
    blocks = {name: block for block, name in MARKED.findall(generated_text)}
    names = set(re.findall(r"<!-- ((?:keys:)?\S+) -->\n", text)) & set(blocks)

    def replace(match):
        return blocks.get(match.group(2), match.group(1))

    out = MARKED.sub(replace, text)
    missing = set(blocks) - names
    if missing:
        raise SystemExit(f"{path}: no block for " + ", ".join(sorted(missing)))
    return out


def main():
    args = [a for a in sys.argv[1:] if a != "--check"]
    check = "--check" in sys.argv[1:]
    binary = args[0] if args else os.environ.get("NUFLARE_BIN",
                                                 os.path.join(ROOT, "build/src/app/nuflare"))
    readme_path = os.path.join(ROOT, "inputs/README.md")
    cli_path = os.path.join(ROOT, "docs/cli.md")
    wanted = {}
    for path, args in ((readme_path, ()), (cli_path, ("--doc", "cli"))):
        with open(path) as f:
            wanted[path] = with_blocks(os.path.relpath(path, ROOT), f.read(),
                                       generated(binary, *args))
    stale = []
    for path, text in wanted.items():
        current = open(path).read() if os.path.exists(path) else None
        if current == text:
            continue
        stale.append(os.path.relpath(path, ROOT))
        if not check:
            with open(path, "w") as f:
                f.write(text)
    if check and stale:
        print("stale: " + ", ".join(stale) + " (run tools/update_docs.py after changing an "
              "option table)")
        return 1
    if not check and stale:
        print("updated: " + ", ".join(stale))
    return 0


if __name__ == "__main__":
    sys.exit(main())
