#!/usr/bin/env python3
"""gen_seeds.py ROOT -- writes the generated part of the seed corpora,
fuzz/corpus/<target>/seed-*: for the elementwise targets one input per
(options byte, n) pair of a fixed list -- n over every vector tail that
matters (0..9, 15..17, 31..33, 63..67) -- with element bytes from a fixed
seed; for api, sequences of operations.  Deterministic (random.Random with
fixed seeds).  The seeds use the V2 decoders (fuzz/fuzz_common.h): header
byte sel != 0 for the elementwise targets, nb >= 68 for logreg, with the
size maps of fuzz_elem.h and fuzz_logreg.c inverted below.  The rest of
each corpus is what libFuzzer found (min-*, merged with -merge=1) and
every input that ever failed (regress-*, which keep the original decoders:
sel = 0, nb < 68)."""
import os
import random
import sys

ELEM = ['logits_f64', 'logits_f32', 'probs_f64', 'probs_f32']
NS = list(range(10)) + [15, 16, 17, 31, 32, 33, 63, 64, 65, 66, 67]
# options byte: reduction (bits 0-1), weights (2), pos_weight (3),
# smoothing (4), clamp (5), propagate NaN (6), error_index (7)
CFGS = [0x00, 0x80, 0x01, 0x02, 0x03, 0x06, 0x07, 0x08, 0x10, 0x18, 0x20,
        0x44, 0xc0, 0x9c, 0xff]


TAILS = [15, 16, 17, 31, 32, 33]


def elem_nb(n):
    """the V2 size byte of fuzz_elem.h for n (in its direct map)"""
    if n < 10:
        return n
    if n in TAILS:
        return 110 + TAILS.index(n)
    if 63 <= n <= 67:
        return 118 + n - 63
    raise ValueError(n)


def logreg_nk(n, k, ldx_extra):
    """the V2 size bytes (nb, kb) of fuzz_logreg.c for n rows, k features
    and ldx = k + ldx_extra"""
    if n < 10:
        j = n
    elif n in TAILS:
        j = 150 + TAILS.index(n)
    elif 63 <= n <= 67:
        j = 168 + n - 63
    else:
        raise ValueError(n)
    for want in (True, False):   # the wanted ldx - k if possible
        for hi in range(8):
            if want and hi % 3 != ldx_extra:
                continue
            for kk in range(32):
                kv = kk % 8 if kk < 24 else 8 + ((kk - 24) * 3 + hi) % 12
                if kv == k:
                    return 68 + j, kk | hi << 5
    raise ValueError(k)


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..')
    for t in ELEM:
        d = os.path.join(root, 'fuzz', 'corpus', t)
        os.makedirs(d, exist_ok=True)
        for ci, cfg in enumerate(CFGS):
            for n in NS[ci % 3::3]:
                rng = random.Random(1000 * ci + n)
                ob = rng.randrange(256) & 0x7f          # offsets, in place
                inv = rng.choice([0x00, 0x00, 0x90, 0xd8])
                head = bytes([cfg, elem_nb(n), ob, inv, 1 + rng.randrange(255)])
                body = bytes(rng.randrange(256) for _ in range(12 + 20 * n))
                with open(os.path.join(d, 'seed-%02x-n%02d' % (cfg, n)), 'wb') as f:
                    f.write(head + body)
    d = os.path.join(root, 'fuzz', 'corpus', 'logreg')
    os.makedirs(d, exist_ok=True)
    for k in range(40):
        rng = random.Random(7000 + k)
        n, kf = rng.choice([0, 1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 33, 67]), rng.randrange(20)
        nb, kb = logreg_nk(n, kf, rng.randrange(3))
        head = bytes([rng.randrange(256), rng.randrange(256) & 0xf3, nb, kb])
        body = bytes(rng.randrange(256) for _ in range(16 + (kf + 1) * (2 * 3 + n * 3) + n * 8))
        with open(os.path.join(d, 'seed-%02d-n%02d-k%02d' % (k, n, kf)), 'wb') as f:
            f.write(head + body)
    d = os.path.join(root, 'fuzz', 'corpus', 'api')
    os.makedirs(d, exist_ok=True)
    for k in range(24):
        rng = random.Random(5000 + k)
        ops = bytearray()
        for _ in range(rng.randrange(1, 8)):
            op = rng.randrange(8)
            ops.append(op)
            ops += bytes(rng.randrange(256) for _ in range(8 + 3 * rng.randrange(20)))
        with open(os.path.join(d, 'seed-%02d' % k), 'wb') as f:
            f.write(bytes(ops))


if __name__ == '__main__':
    main()
