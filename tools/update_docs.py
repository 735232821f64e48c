#!/usr/bin/python3
"""Writes the documentation generated from nuflare's option tables:

* docs/cli.md, the command-line contract (`nuflare help-tables --doc cli`);
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


def with_readme_tables(readme, tables):
    """README text with every marker block replaced by the generated one."""
    blocks = {name: block for block, name in re.findall(r"(<!-- keys:(\S+) -->\n.*?<!-- /keys:\2 -->\n)", tables, re.S)}

    def replace(match):
        name = match.group(2)
        if name not in blocks:
            raise SystemExit(f"inputs/README.md: no subcommand {name!r} for its marker")
        return blocks[name]

    out = re.sub(r"(<!-- keys:(\S+) -->\n.*?<!-- /keys:\2 -->\n)", replace, readme, flags=re.S)
    missing = set(blocks) - set(re.findall(r"<!-- keys:(\S+) -->", readme))
    if missing:
        raise SystemExit("inputs/README.md: no key table for " + ", ".join(sorted(missing)))
    return out


def main():
    args = [a for a in sys.argv[1:] if a != "--check"]
    check = "--check" in sys.argv[1:]
    binary = args[0] if args else os.environ.get("NUFLARE_BIN",
                                                 os.path.join(ROOT, "build/src/app/nuflare"))
    readme_path = os.path.join(ROOT, "inputs/README.md")
    cli_path = os.path.join(ROOT, "docs/cli.md")
    with open(readme_path) as f:
        readme = f.read()
    wanted = {readme_path: with_readme_tables(readme, generated(binary)),
              cli_path: generated(binary, "--doc", "cli")}
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
