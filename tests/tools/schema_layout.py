#!/usr/bin/env python3
"""The schema's floor plan (issue 17), checked:

  * numbered migrations (schema/migrations) hold no function, procedure, view or trigger;
  * each file in schema/functions opens with a comment saying what it owns;
  * every function name is defined in exactly one file of schema/functions (overloads of one
    name sit together in that file).

Comments and quoted text are not read as SQL. Exits 1 and names each fault."""
import glob
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
CODE = re.compile(r'\bCREATE\s+(?:OR\s+REPLACE\s+)?(FUNCTION|PROCEDURE|VIEW|TRIGGER|'
                  r'MATERIALIZED\s+VIEW|AGGREGATE)\s+([\w."]+)', re.I)


def statements_text(sql):
    """The SQL with -- comments removed and the inside of every dollar-quoted body blanked,
    so only top-level statements are seen (a DO block's EXECUTE text is a body too)."""
    out, i, n = [], 0, len(sql)
    while i < n:
        if sql.startswith('--', i):
            j = sql.find('\n', i)
            i = n if j < 0 else j
            continue
        m = re.match(r'\$[A-Za-z_]*\$', sql[i:])
        if m:
            j = sql.find(m.group(0), i + len(m.group(0)))
            j = n if j < 0 else j + len(m.group(0))
            out.append(' $$ ')
            i = j
            continue
        if sql[i] == "'":
            j = i + 1
            while j < n and not (sql[j] == "'" and not sql.startswith("''", j)):
                j += 2 if sql.startswith("''", j) else 1
            out.append("''")
            i = j + 1
            continue
        out.append(sql[i])
        i += 1
    return ''.join(out)


def main():
    faults = []
    for f in sorted(glob.glob(os.path.join(ROOT, 'schema/migrations/*.sql'))):
        for kind, name in CODE.findall(statements_text(open(f).read())):
            faults.append(f'{os.path.basename(f)}: CREATE {kind.upper()} {name} belongs in '
                          'schema/functions')
    where = {}
    files = sorted(glob.glob(os.path.join(ROOT, 'schema/functions/*.sql')))
    if not files:
        faults.append('schema/functions holds no file')
    for f in files:
        text = open(f).read()
        base = os.path.basename(f)
        if not text.startswith('-- '):
            faults.append(f'functions/{base}: does not open with a comment saying what it owns')
        for kind, name in CODE.findall(statements_text(text)):
            if kind.upper() == 'FUNCTION':
                where.setdefault(name.lower().strip('"'), set()).add(base)
    for name, found in sorted(where.items()):
        if len(found) > 1:
            faults.append(f'function {name} is defined in {len(found)} files: '
                          + ', '.join(sorted(found)))
    for fault in faults:
        print('schema layout: ' + fault, file=sys.stderr)
    if not faults:
        print(f'schema layout: {len(where)} functions, each in one of {len(files)} files; '
              'no code in the migrations')
    return 1 if faults else 0


if __name__ == '__main__':
    sys.exit(main())
