"""Parse src/core/thresholds.h (the X-macro list BCE_THRESHOLDS): shared by
check_thresholds.py and gen_dicts.py."""
import os
import re

ENTRY = re.compile(
    r'X\((\w+),\s*([^,]+?),\s*([A-Z]),\s*"([^"]+)",\s*"((?:[^"\\]|\\.)*)"\)')


def load(root):
    """[(name, value as float, value text, kind, file, literal)]"""
    path = os.path.join(root, 'src', 'core/thresholds.h')
    with open(path, encoding='utf-8') as f:
        text = f.read()
    out = []
    for m in ENTRY.finditer(text):
        name, val, kind, file, lit = m.groups()
        val = val.strip()
        num = float.fromhex(val) if val.lower().startswith(('0x', '-0x')) else float(val)
        out.append((name, num, val, kind, file, lit.replace('\\"', '"')))
    if not out:
        raise SystemExit('%s: no X(...) entries found' % path)
    return out
