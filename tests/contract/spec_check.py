#!/usr/bin/env python3
"""What every operation in the OpenAPI document must carry, beyond what the linter checks.

  spec_check.py build/rel/gen/openapi.json    (the served document; make lint-spec)
  spec_check.py openapi/openapi.yaml           (the source, read as YAML 1.2)

Each operation: operationId, summary, description, tags and x-roles; every parameter described
and constrained (a format, enum, pattern, length or range); request and JSON response bodies
whose objects list their members and refuse others (additionalProperties: false), so that the
contract check flags an undocumented field; every request string bounded in length; an example
for every request and response body, a create example and the update example of the same
resource keeping its dates in order; ETag, Location and WWW-Authenticate, which the api always
sends where they are listed, required; every 4xx/5xx answered as application/problem+json; and
the error statuses the api's
request pipeline can produce for that shape of operation (api/http_server.c):

  any operation                400 (a GET with a body, a bad query or header), 429 (rate limits)
  bearer token needed          401; 403 unless every role may call it; 503 (the database)
  path parameters              404
  a JSON body                  400, 413, 415, 422
  Idempotency-Key              422 (the key reused with another body), 503
  If-Match                     412

Prints every finding and exits 1 if there is any.
"""
import json
import sys

ALL_ROLES = {'board', 'partner', 'adviser', 'manager', 'admin', 'service', 'young_person'}
METHODS = ('get', 'put', 'post', 'patch', 'delete')
# Response headers the api sends every time it answers with a response that lists them.
ALWAYS_SENT = {'ETag', 'Location', 'WWW-Authenticate'}
# Dates a record keeps in order (first, then), checked across its create and update examples.
DATE_ORDER = [('started_on', 'ended_on'), ('started_on', 'reviewed_on'), ('opened_on', 'closed_on'),
              ('referred_on', 'responded_on')]
# Operations with a token that still answer when the database is down (metrics leave the
# queue figures out).
NO_DATABASE = {'getMetrics'}


def main(path):
    with open(path, encoding='utf-8') as f:
        if path.endswith('.json'):
            doc = json.load(f)
        else:
            from ruamel.yaml import YAML  # Debian python3-ruamel.yaml
            doc = YAML(typ='safe', pure=True).load(f)
    problems = []

    def deref(node):
        seen = 0
        while isinstance(node, dict) and '$ref' in node:
            ref = node['$ref']
            if not ref.startswith('#/'):
                raise SystemExit(f'external $ref not supported: {ref}')
            node = doc
            for part in ref[2:].split('/'):
                node = node[part.replace('~1', '/').replace('~0', '~')]
            seen += 1
            if seen > 20:
                raise SystemExit(f'$ref loop at {ref}')
        return node

    def constrained(schema):
        s = deref(schema)
        if 'enum' in s or 'const' in s or 'format' in s or 'pattern' in s:
            return True
        types = s.get('type')
        types = set(types) if isinstance(types, list) else {types}
        types.discard('null')
        if types == {'boolean'}:
            return True
        if types == {'string'}:
            return 'maxLength' in s
        if types <= {'integer', 'number'} and types:
            return ('minimum' in s or 'exclusiveMinimum' in s) and \
                ('maximum' in s or 'exclusiveMaximum' in s)
        if types == {'array'}:
            return 'maxItems' in s and 'items' in s and constrained(s['items'])
        if 'oneOf' in s or 'anyOf' in s:
            return all(constrained(x) for x in s.get('oneOf', s.get('anyOf')))
        return False

    def walk(schema, where, visit, seen, depth=0):
        """visit(schema, where) on schema and every schema inside it; each named schema once
        per seen set, reported under its own name."""
        if isinstance(schema, dict) and '$ref' in schema:
            if schema['$ref'] in seen:
                return
            seen.add(schema['$ref'])
            where = schema['$ref'].split('/')[-1]
        if depth > 8:
            return
        s = deref(schema)
        visit(s, where)
        for key in ('oneOf', 'anyOf', 'allOf'):
            for i, alt in enumerate(s.get(key, [])):
                walk(alt, f'{where}.{key}[{i}]', visit, seen, depth + 1)
        for name, prop in (s.get('properties') or {}).items():
            walk(prop, f'{where}.{name}', visit, seen, depth + 1)
        if 'items' in s:
            walk(s['items'], f'{where}[]', visit, seen, depth + 1)

    def types_of(s):
        types = s.get('type')
        return set(types) if isinstance(types, list) else {types}

    def closed(s, where):
        """Objects with listed members refuse others."""
        if 'object' in types_of(s) and 'properties' in s and \
                s.get('additionalProperties') is not False and 'unevaluatedProperties' not in s:
            problems.append(f'{where}: an object without additionalProperties: false')

    def bounded(s, where):
        """Every string a request may carry has a length limit (maxLength, or an enum, const or
        fixed-length format), as the api enforces one on each."""
        if 'string' in types_of(s) and not ({'maxLength', 'enum', 'const'} & set(s)) \
                and s.get('format') not in ('date', 'date-time', 'uuid'):
            problems.append(f'{where}: a request string without maxLength')

    closed_seen, bounded_seen = set(), set()

    def has_example(media):
        return 'example' in media or bool(media.get('examples'))

    for p, item in doc.get('paths', {}).items():
        common = item.get('parameters', [])
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            name = f'{method.upper()} {p}'
            op_id = op.get('operationId')
            for key in ('operationId', 'summary', 'description', 'tags'):
                if not op.get(key):
                    problems.append(f'{name}: no {key}')
            roles = op.get('x-roles')
            if not isinstance(roles, list) or not set(roles) <= ALL_ROLES:
                problems.append(f'{name}: x-roles must list roles from {sorted(ALL_ROLES)}')
                roles = []
            params = [deref(x) for x in common + op.get('parameters', [])]
            for prm in params:
                label = f"{name}: parameter {prm.get('name')}"
                if not prm.get('description'):
                    problems.append(f'{label} has no description')
                if 'schema' not in prm or not constrained(prm['schema']):
                    problems.append(f'{label} has no constraint (format, enum, pattern, length or range)')
            names = {prm.get('name') for prm in params}
            want = {'400', '429'}  # 429: the rate limits apply to every operation
            if roles:
                want |= {'401'}
                if set(roles) != ALL_ROLES:
                    want.add('403')
                if op_id not in NO_DATABASE:
                    want.add('503')
            if any(prm.get('in') == 'path' for prm in params):
                want.add('404')
            body = op.get('requestBody')
            if body is not None:
                body = deref(body)
                want |= {'400', '413', '415', '422'}
                for mt, media in (body.get('content') or {}).items():
                    if 'schema' not in media:
                        problems.append(f'{name}: request {mt} has no schema')
                    else:
                        walk(media['schema'], f'{name}: request {mt}', closed, closed_seen)
                        walk(media['schema'], f'{name}: request {mt}', bounded, bounded_seen)
                    if not has_example(media):
                        problems.append(f'{name}: request {mt} has no example')
            if 'Idempotency-Key' in names:
                want |= {'422', '503'}
            if 'If-Match' in names:
                want.add('412')
            responses = op.get('responses') or {}
            missing = sorted(want - set(map(str, responses)))
            if missing:
                problems.append(f'{name}: error statuses not documented: {", ".join(missing)}')
            if not any(str(c).startswith('2') for c in responses):
                problems.append(f'{name}: no 2xx response')
            for code, resp in responses.items():
                resp = deref(resp)
                code = str(code)
                content = resp.get('content') or {}
                if code[0] in '45':
                    if list(content) != ['application/problem+json']:
                        problems.append(f'{name}: {code} is not application/problem+json')
                for mt, media in content.items():
                    if 'json' in mt and 'schema' in media:
                        walk(media['schema'], f'{name}: {code} {mt}', closed, closed_seen)
                    if not has_example(media):
                        problems.append(f'{name}: {code} {mt} has no example')
                if not resp.get('description'):
                    problems.append(f'{name}: {code} has no description')
                # The headers the api always sends with this response say so.
                for h, header in (resp.get('headers') or {}).items():
                    if h in ALWAYS_SENT and deref(header).get('required') is not True:
                        problems.append(f'{name}: {code} header {h} is not required: true')

    # A create example and an update example of the same resource must make sense together:
    # the update merged over the create keeps the record's dates in order.
    def request_examples(op):
        body = deref(op.get('requestBody') or {})
        for media in (body.get('content') or {}).values():
            if isinstance(media.get('example'), dict):
                yield media['example']
            for ex in (media.get('examples') or {}).values():
                value = deref(ex).get('value')
                if isinstance(value, dict):
                    yield value

    paths = doc.get('paths', {})
    for p, item in paths.items():
        if 'post' not in item:
            continue
        for q, sub in paths.items():
            if not (q.startswith(p + '/{') and q.count('/') == p.count('/') + 1 and 'patch' in sub):
                continue
            for created in request_examples(item['post']):
                for update in request_examples(sub['patch']):
                    merged = {**created, **update}
                    for first, then in DATE_ORDER:
                        a, b = merged.get(first), merged.get(then)
                        if isinstance(a, str) and isinstance(b, str) and b < a:
                            problems.append(f'PATCH {q}: the example\'s {then} {b} precedes '
                                            f'{first} {a} of the POST {p} example')

    for line in problems:
        print(f'spec: {line}')
    if problems:
        print(f'spec: {len(problems)} findings in {path}')
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else 'openapi/openapi.yaml'))
