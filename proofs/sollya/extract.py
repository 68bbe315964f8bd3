#!/usr/bin/env python3
"""proofs/sollya/extract.py SRCROOT -- prints, as Sollya assignments, the
committed tables and polynomial coefficients of libbce's sources, so that
the Sollya scripts can compare what they regenerate with what is committed:
    c_<name> = [| v0, v1, ... |];   (arrays flattened row by row)
Hexadecimal C99 doubles are valid Sollya constants and are read exactly.
The polynomial coefficients are the C constant expressions (e.g. `1.0 / 120`)
of the Horner statements in src/level1/elem_tmpl.h, in source order; each is
emitted as what the compiler makes of it: RN of the quotient
(round(a/b, D, RN)), or the literal itself.
Fails (exit 1) if a table or a Horner block is not found: the scripts would
otherwise compare against nothing."""
import re
import sys

src = sys.argv[1]


def read(path):
    with open(f"{src}/{path}") as f:
        return f.read()


def array(text, name):
    m = re.search(r"const\s+(?:double|uint32_t)\s+" + re.escape(name) +
                  r"\s*(?:\[[^\]]*\])+\s*=\s*\{(.*?)\};", text, re.S)
    if not m:
        sys.exit(f"extract.py: array {name} not found")
    body = re.sub(r"/\*.*?\*/", "", m.group(1), flags=re.S)
    vals = re.findall(r"-?0x[0-9a-fA-F.]+(?:p[+-]?\d+)?u?", body)
    out = []
    for v in vals:
        if v.endswith("u"):  # uint32 limb
            out.append(str(int(v[:-1], 16)))
        else:
            out.append(v)
    return out


def scalar(text, name):
    m = re.search(r"const\s+double\s+" + re.escape(name) +
                  r"\s*=\s*(-?0x[0-9a-fA-F.]+p[+-]?\d+)\s*;", text)
    if not m:
        sys.exit(f"extract.py: constant {name} not found")
    return m.group(1)


def emit(name, vals):
    print(f"c_{name} = [| " + ", ".join(vals) + " |];")


def horner(text, func, var):
    """The constants of the Horner statements `var = A + rh * B;` /
    `var = A + rh * var;` in the body of EL_FN(func), in source order."""
    m = re.search(r"EL_FN\(" + func + r"\)\s*\(.*?\n\}\n", text, re.S)
    if not m:
        sys.exit(f"extract.py: function {func} not found")
    body = m.group(0)
    consts = []
    for line in body.splitlines():
        mm = re.match(r"\s*(?:EL_V\s+)?" + var + r"\s*=\s*(.*?)\s*\+\s*rh\s*\*\s*(.*);", line)
        if not mm:
            continue
        for c in mm.groups():
            c = c.strip()
            if c.startswith("(") and c.endswith(")"):
                c = c[1:-1].strip()
            if c == var:
                continue
            consts.append(c)
    if not consts:
        sys.exit(f"extract.py: no Horner statements for {var} in {func}")
    out = []
    for c in consts:
        q = re.fullmatch(r"(-?)(\d+)\.0\s*/\s*(\d+)", c)
        if q:
            out.append(f"round({q.group(1)}{q.group(2)}/{q.group(3)}, D, RN)")
        elif re.fullmatch(r"-?\d+\.\d+", c):
            out.append(c)
        else:
            sys.exit(f"extract.py: unexpected coefficient {c!r} in {func}")
    return out


e = read("src/tables/exp_data.c")
print(f"c_exp_invln2n = {scalar(e, 'bce_exp_invln2n')};")
emit("exp_ln2n", array(e, "bce_exp_ln2n"))
emit("exp_tab", array(e, "bce_exp_tab"))
lg = read("src/tables/log_data.c")
emit("ln2", array(lg, "bce_ln2"))
emit("log_c", array(lg, "bce_log_c"))
emit("log_tab", array(lg, "bce_log_tab"))
emit("log1_c", array(lg, "bce_log1_c"))
emit("log1_tab", array(lg, "bce_log1_tab"))
td = read("src/accurate/td_data.c")
emit("td_ln2", array(td, "bce_td_ln2"))
emit("td_exp_coef", array(td, "bce_td_exp_coef"))
emit("td_log1p_coef", array(td, "bce_td_log1p_coef"))
emit("td_ln2n_fix", array(td, "bce_td_ln2n_fix"))
tabh = read("src/tables/tables.h")
for name in ("BCE_EXP_N", "BCE_LOG_N", "BCE_LOG1_N"):
    m = re.search(r"#define\s+" + name + r"\s+(\d+)", tabh)
    if not m:
        sys.exit(f"extract.py: {name} not found")
    print(f"c_{name} = {m.group(1)};")
m = re.search(r"#define\s+BCE_LOG_OFF\s+0x([0-9a-fA-F]+)ull", tabh)
if not m:
    sys.exit("extract.py: BCE_LOG_OFF not found")
print(f"c_BCE_LOG_OFF = {int(m.group(1), 16)};")
m = re.search(r"#define\s+BCE_LOG1_OFF\s+0x([0-9a-fA-F]+)ull", tabh)
if not m:
    sys.exit("extract.py: BCE_LOG1_OFF not found")
print(f"c_BCE_LOG1_OFF = {int(m.group(1), 16)};")
tdh = read("src/accurate/td_data.h")
for name in ("BCE_TD_EXP_DEG", "BCE_TD_LOG_DEG"):
    m = re.search(r"#define\s+" + name + r"\s+(\d+)", tdh)
    if not m:
        sys.exit(f"extract.py: {name} not found")
    print(f"c_{name} = {m.group(1)};")
el = read("src/level1/elem_tmpl.h")
emit("exp_q", horner(el, "exp_scaled", "q"))
emit("log_p", horner(el, "ln3", "P"))
fv = read("src/level0/f32_coef.h")
emit("f32v_ln2", array(fv, "bce_f32v_ln2"))
emit("f32v_exp_c", array(fv, "bce_f32v_exp_c"))
# (the C arrays hold 2 * c_i: the literals read here are the c_i)
emit("f32v_at15_c", array(fv, "bce_f32v_at15_c"))
emit("f32v_at11_c", array(fv, "bce_f32v_at11_c"))
