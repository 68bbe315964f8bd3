"""The README's Python example, extracted and run exactly as written."""
import os
import re
import subprocess
import sys


def test_readme_python_example(source_root, tmp_path):
    text = open(os.path.join(source_root, "README.md")).read()
    sec = text[text.index("### Python"):]
    code = re.search(r"```python\n(.*?)```", sec, re.S).group(1)
    f = tmp_path / "readme_example.py"
    f.write_text(code)
    import libbce
    env = dict(os.environ)
    env["PYTHONPATH"] = os.path.dirname(os.path.dirname(os.path.abspath(libbce.__file__)))
    r = subprocess.run([sys.executable, str(f)], capture_output=True, text=True,
                       timeout=120, cwd=str(tmp_path), env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "FAIL: 2800 outputs judged, 624 failing" in r.stdout
