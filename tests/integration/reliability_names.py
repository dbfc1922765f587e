#!/usr/bin/env python3
"""reliability_names.py ROOT -- every check docs/RELIABILITY.md quotes
exists in the script it names.

A quote is "test-NN-name.sh ...:" followed by "..."-quoted check names.
Placeholders ($x, $…, (…), …) stand for figures the check fills in; the
literal text between them must appear in the script.  Prints each quote
not found and a summary line; exits 1 if any is missing."""
import os
import re
import sys

root = sys.argv[1]
doc = open(os.path.join(root, "docs/RELIABILITY.md")).read()
quote = re.compile(r'(test-\d\d-[a-z0-9-]+\.sh)([^"*]*?):((?:\s*"[^"]+",?(?:\s*(?:and|or)\s*)?)+)')
placeholder = re.compile(r"\$…|\(…\)|…|\$[A-Za-z_]+")
total = missing = 0
for m in quote.finditer(doc):
    path = os.path.join(root, "tests/integration", m.group(1))
    if not os.path.exists(path):
        print("no such script:", m.group(1))
        missing += 1
        continue
    src = open(path).read()
    for q in re.findall(r'"([^"]+)"', m.group(3)):
        q = re.sub(r"\s+", " ", q)
        total += 1
        pieces = [p.strip() for p in placeholder.split(q) if len(p.strip()) > 3]
        if not all(p in src for p in pieces):
            print(f"{m.group(1)}: not found: {q}")
            missing += 1
print(f"{total} quoted checks, {missing} not found")
sys.exit(1 if missing or total == 0 else 0)
