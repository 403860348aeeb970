#!/usr/bin/env python3
"""The document the api serves is the source document, value for value.

  served_check.py SERVED OPENAPI.yaml [EMBEDDED]

SERVED is the served JSON: a file (the embedded copy, make lint-spec) or an http:// URL of a
running api's /v1/openapi.json (tests/integration/run.sh). The source is read as YAML 1.2 (Debian
python3-ruamel.yaml), as the linter and OpenAPI 3.1 tools read it, and compared with the served
JSON with types kept apart: true is not "on", 1 is not true, 1.0 is not "1.0". With EMBEDDED (the
build's gen/openapi.json) the served bytes must also be exactly that file's, the one make
lint-spec checked. Prints each difference (at most 20) and exits 1 if there is any.
"""
import json
import sys
import urllib.request

from ruamel.yaml import YAML


def read_served(where):
    if where.startswith('http://'):
        with urllib.request.urlopen(where, timeout=10) as r:
            return r.read()
    with open(where, 'rb') as f:
        return f.read()


def differences(a, b, path, out):
    if len(out) >= 20:
        return
    if isinstance(a, dict) and isinstance(b, dict):
        for k in a.keys() | b.keys():
            if k not in a or k not in b:
                out.append(f'{path}/{k}: only in the {"served" if k in a else "source"} document')
            else:
                differences(a[k], b[k], f'{path}/{k}', out)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            out.append(f'{path}: {len(a)} items served, {len(b)} in the source')
        for i, (x, y) in enumerate(zip(a, b)):
            differences(x, y, f'{path}/{i}', out)
    elif type(a) is not type(b) or a != b:
        # int and float are both JSON numbers: 3 and 3.0 are the same value.
        if not (isinstance(a, (int, float)) and isinstance(b, (int, float))
                and not isinstance(a, bool) and not isinstance(b, bool) and a == b):
            out.append(f'{path}: served {a!r}, source {b!r}')


def main(served_at, source, embedded=None):
    raw = read_served(served_at)
    served = json.loads(raw)
    with open(source, encoding='utf-8') as f:
        expected = YAML(typ='safe', pure=True).load(f)
    problems = []
    differences(served, expected, '#', problems)
    if embedded is not None:
        with open(embedded, 'rb') as f:
            if f.read() != raw:
                problems.append(f'the served bytes are not those of {embedded}')
    for p in problems:
        print(f'served document: {p}', file=sys.stderr)
    if problems:
        return 1
    print(f'served document: {served_at} equals {source} read as YAML 1.2')
    return 0


if __name__ == '__main__':
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))
