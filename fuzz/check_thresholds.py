#!/usr/bin/env python3
"""check_thresholds.py ROOT -- checks src/core/thresholds.h against the kernels:
each entry's quoted literal is present in its file; the entry's value is
written in that literal, or (a derived threshold) is K ln 2 for the integer
K the literal names ("E >= -900" -> 900 ln 2), or is the log its formula
names (FILE "-": "53 ln 2", "ln DBL_MAX", "ln FLT_MAX"), to 1 ulp.
Exit 1 with one line per mismatch."""
import math
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import thresholds  # noqa: E402

DBL_MAX = float.fromhex('0x1.fffffffffffffp+1023')
FLT_MAX = float.fromhex('0x1.fffffep+127')


def close(a, b):
    """a and b within 1 ulp of b"""
    return abs(a - b) <= math.ulp(b)


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else '.'
    bad = []
    entries = thresholds.load(root)
    for name, num, val, kind, file, lit in entries:
        if file == '-':
            m = re.fullmatch(r'(\d+) ln 2', lit)
            if m:
                want = int(m.group(1)) * math.log(2)
            elif lit == 'ln DBL_MAX':
                want = math.log(DBL_MAX)
            elif lit == 'ln FLT_MAX':
                want = math.log(FLT_MAX)
            else:
                bad.append('%s: formula "%s" not understood' % (name, lit))
                continue
            if not close(num, want):
                bad.append('%s: %s is not %s = %r' % (name, val, lit, want))
            continue
        path = os.path.join(root, file)
        try:
            with open(path, encoding='utf-8') as f:
                src = f.read()
        except OSError as e:
            bad.append('%s: %s' % (name, e))
            continue
        if lit not in src:
            bad.append('%s: "%s" no longer in %s' % (name, lit, file))
            continue
        if val in lit:
            continue
        ints = [int(k) for k in re.findall(r'-?\d+', lit)]
        if any(close(num, abs(k) * math.log(2)) for k in ints if k):
            continue
        bad.append('%s: value %s neither in "%s" nor K ln 2 of a K in it'
                   % (name, val, lit))
    for b in bad:
        print('FAIL:', b)
    print('%d thresholds, %d mismatches' % (len(entries), len(bad)))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
