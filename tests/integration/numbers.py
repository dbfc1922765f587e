#!/usr/bin/env python3
"""numbers.py FILE [FROM_LINE]: scan recorded answers for float noise.

FILE holds one answer a line, "METHOD PATH STATUS<TAB>body" as req() of
lib.sh records it (the body's bytes as sent, newlines dropped).  Every
number with a fraction or an exponent is read as its text, as it came,
and one with more than 10 significant digits (1.1499999999999999,
0.10000000000000001) is float noise: printed, and the exit status is 1.
Prints "N answers, M numbers with a fraction, K noisy" last."""
import json
import re
import sys

MAX_DIGITS = 10


def significant(text):
    mant = re.split('[eE]', text)[0].lstrip('-').replace('.', '')
    return len(mant.lstrip('0')) or 1


def main():
    path = sys.argv[1]
    start = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    answers = fractions = 0
    noisy = []
    with open(path, encoding='utf-8', errors='replace') as f:
        for n, line in enumerate(f, 1):
            if n < start or '\t' not in line:
                continue
            where, body = line.rstrip('\n').split('\t', 1)
            found = []
            try:
                json.loads(body, parse_float=lambda t: found.append(t) or 0.0)
            except ValueError:
                continue
            answers += 1
            fractions += len(found)
            for t in found:
                if significant(t) > MAX_DIGITS:
                    noisy.append('%s: %s' % (where, t))
    for x in noisy[:20]:
        print('noise: ' + x)
    print('%d answers, %d numbers with a fraction, %d noisy' % (answers, fractions, len(noisy)))
    return 1 if noisy else 0


if __name__ == '__main__':
    sys.exit(main())
