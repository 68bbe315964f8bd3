#!/usr/bin/env bash
# tests/python_install.sh BUILD_DIR PYTHON SOURCE_ROOT -- install the build
# into a temporary directory (meson install --destdir) and import the Python
# package from there: it must load the installed libbce.so.0 and
# libbce-verify.so.0 (found relative to the package, _config.LIBDIR_REL),
# also after the whole tree is moved elsewhere (relocatable), and run the
# README's Python example as written.
set -uo pipefail
build=$(cd "${1:?usage: python_install.sh BUILD_DIR PYTHON SOURCE_ROOT}" && pwd)
py=${2:?}
src=$(cd "${3:?}" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
unset LIBBCE_LIBRARY_PATH LD_LIBRARY_PATH PYTHONPATH
fail=0
ok() { echo "PASS: python install: $*"; }
ko() { echo "FAIL: python install: $*"; fail=1; }

meson install -C "$build" --destdir "$tmp/dest" --no-rebuild --quiet >"$tmp/log" 2>&1 ||
    { cat "$tmp/log"; ko "meson install --destdir"; exit 1; }
init=$(find "$tmp/dest" -path '*/libbce/__init__.py' -print -quit)
[ -n "$init" ] && ok "package installed: ${init#"$tmp/dest"}" || { ko "no libbce/__init__.py installed"; exit 1; }
test -f "$(dirname "$init")/_config.py" && ok "_config.py installed" || ko "_config.py missing"

# the README example, extracted from README.md (the first ```python block
# after the "Python" heading), run as written
awk '/^### Python/{s=1} s&&/^```python/{p=1;next} p&&/^```/{exit} p' "$src/README.md" >"$tmp/readme_example.py"
test -s "$tmp/readme_example.py" && ok "README example extracted" || ko "README example not found"

run_from() { # SITE_DIR ROOT: import from SITE_DIR, libraries under ROOT
    local site=$1 root=$2
    (cd "$tmp" && PYTHONPATH=$site "$py" - "$root" <<'PY'
import sys, numpy as np, libbce
root = sys.argv[1]
libbce.oracle.logits(np.array([0.0]), np.array([1.0]))   # loads libbce-verify
paths = libbce.library_paths()
for k, p in paths.items():
    assert p.startswith(root), (k, p, root)
z = np.array([-3.0, 0.0, 50.0]); y = np.array([0.0, 1.0, 1.0])
loss, grad = libbce.logits(z, y)
rl, rg = libbce.oracle.logits(z, y)
assert np.array_equal(loss, rl) and np.array_equal(grad, rg), (loss, rl, grad, rg)
print("libbce", libbce.__version__, paths)
PY
    )
}
site=$(dirname "$(dirname "$init")")
if run_from "$site" "$tmp/dest" >"$tmp/out" 2>&1; then ok "import libbce from the destdir ($(tail -n 1 "$tmp/out"))"
else cat "$tmp/out"; ko "import libbce from the destdir"; fi
if (cd "$tmp" && PYTHONPATH=$site "$py" "$tmp/readme_example.py") >"$tmp/out" 2>&1; then ok "README example runs"
else cat "$tmp/out"; ko "README example"; fi

# relocatable: move the whole tree
mv "$tmp/dest" "$tmp/moved"
site2=${site/"$tmp/dest"/"$tmp/moved"}
if run_from "$site2" "$tmp/moved" >"$tmp/out" 2>&1; then ok "import libbce after moving the prefix"
else cat "$tmp/out"; ko "import libbce after moving the prefix"; fi
exit $fail
