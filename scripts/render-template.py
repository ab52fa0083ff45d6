#!/usr/bin/env python3
"""Fill the ${NAME} placeholders of a deploy/ template from the environment.

    scripts/render-template.py TEMPLATE [OUTPUT]      (OUTPUT defaults to stdout)

Every placeholder must have a value: a missing one is an error naming it, never an empty string
in a task definition. Values going into a .json template are JSON-escaped, and the result must
parse. Templates stay untouched; deploy.sh renders into a temporary file.
"""
from __future__ import annotations

import json
import os
import string
import sys


def placeholders(text: str) -> set[str]:
    found = set()
    for match in string.Template.pattern.finditer(text):
        name = match.group("named") or match.group("braced")
        if name:
            found.add(name)
    return found


def render(text: str, values: dict[str, str], as_json: bool) -> str:
    missing = sorted(name for name in placeholders(text) if not values.get(name))
    if missing:
        raise ValueError("no value for " + ", ".join(missing))
    if as_json:
        values = {k: json.dumps(v)[1:-1] for k, v in values.items()}
    out = string.Template(text).substitute(values)
    if as_json:
        json.loads(out)
    return out


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        text = f.read()
    try:
        out = render(text, dict(os.environ), argv[1].endswith(".json"))
    except ValueError as error:
        print(f"{argv[1]}: {error}", file=sys.stderr)
        return 1
    if len(argv) == 3:
        with open(argv[2], "w", encoding="utf-8") as f:
            f.write(out)
    else:
        sys.stdout.write(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
