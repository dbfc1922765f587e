#!/usr/bin/env python3
"""infer.py -- draft response schemas from recorded answers.

  infer.py OPENAPI.json RESPONSES.jsonl > draft.json

For each route with an output schema name, merges the 2xx JSON answers the
integration suite recorded for it into a JSON Schema: types as seen (deeper
than the answer's own members a scalar may also be null), top-level members required when
every sample had them, arrays by the merge of their items.  A draft to review and edit into
contract/schemas.json when a route is added; the contract test then holds
every answer to the edited schema.
"""
import json
import re
import sys


def kind(v):
    if v is None:
        return 'null'
    if isinstance(v, bool):
        return 'boolean'
    if isinstance(v, int):
        return 'integer'
    if isinstance(v, float):
        return 'number'
    if isinstance(v, str):
        return 'string'
    if isinstance(v, list):
        return 'array'
    return 'object'


def merge(samples, depth=0):
    """The schema of samples (depth 0: a whole answer).  Deeper than the
    answer's own members a scalar may also be null, and only the answer's
    members are required: samples rarely show every case."""
    kinds = sorted({kind(v) for v in samples})
    # A count today may be a fraction tomorrow (a multiplier of 1 becomes
    # 1.5): every number is a number.
    kinds = sorted({'number' if k == 'integer' else k for k in kinds})
    if depth > 1 and kinds and set(kinds) <= {'string', 'integer', 'number', 'boolean', 'null'}:
        kinds = sorted(set(kinds) | {'null'})
    s = {'type': kinds[0] if len(kinds) == 1 else kinds}
    objs = [v for v in samples if isinstance(v, dict)]
    if objs:
        keys = sorted({k for o in objs for k in o})
        s['properties'] = {k: merge([o[k] for o in objs if k in o], depth + 1) for k in keys}
        req = [k for k in keys if all(k in o for o in objs)]
        if req and depth == 0:
            s['required'] = req
    arrs = [v for v in samples if isinstance(v, list)]
    if arrs:
        items = [x for a in arrs for x in a]
        s['items'] = merge(items, depth + 1) if items else {}
    return s


def main():
    doc = json.load(open(sys.argv[1]))
    routes = []
    for path, item in doc['paths'].items():
        rx = re.compile('^' + re.sub(r'\{[^}]+\}', '[^/]+', path) + '$')
        for method, op in item.items():
            for code, r in op['responses'].items():
                if code.startswith('2'):
                    ref = r.get('content', {}).get('application/json', {}).get('schema', {}).get('$ref')
                    if ref:
                        routes.append((method.upper(), rx, path.count('{'), ref.split('/')[-1]))
    routes.sort(key=lambda r: r[2])       # literal paths before templated ones
    by_name = {}
    for line in open(sys.argv[2]):
        rec = json.loads(line)
        if not 200 <= rec['status'] < 300:
            continue
        for method, rx, _, name in routes:
            if method == rec['method'] and rx.match(rec['path']):
                by_name.setdefault(name, []).append(rec['body'])
                break
    out = {name: merge(samples) for name, samples in sorted(by_name.items())}
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    print()


main()
