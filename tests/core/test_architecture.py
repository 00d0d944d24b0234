"""The import contracts of pyproject.toml (docs/architecture.md) hold for the package, and they are
real: a domain that imports the shell, or the shell the API, breaks them."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def lint_imports(root):
    """Run ``lint-imports`` on the ``dualdash`` package found in ``root``: (exit status, output)."""
    command = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(command), "--config", str(ROOT / "pyproject.toml"), "--no-cache"], cwd=root,
                            env={"PYTHONPATH": str(root), "PATH": str(command.parent)},
                            capture_output=True, text=True, timeout=120)
    return result.returncode, result.stdout + result.stderr


def copy_with(tmp_path, module, line):
    """A copy of the package with ``line`` added to the end of ``module`` (a path inside it)."""
    copy = tmp_path / "copy"
    shutil.copytree(ROOT / "dualdash", copy / "dualdash", ignore=shutil.ignore_patterns("__pycache__", "static"))
    target = copy / "dualdash" / module
    target.write_text(target.read_text() + "\n" + line + "\n")
    return copy


def test_the_package_keeps_every_contract():
    status, output = lint_imports(ROOT)
    assert status == 0, output
    assert "0 broken" in output


@pytest.mark.parametrize("module, line, broken", [
    ("kpis/bands.py", "from dualdash.web import auth  # noqa", "No domain imports the shell"),
    ("org/models.py", "from dualdash.kpis import periods  # noqa", "Shell and API above the domains"),
    ("web/gate.py", "from dualdash import api  # noqa", "The shell never imports the API"),
])
def test_a_wrong_import_breaks_a_contract(tmp_path, module, line, broken):
    status, output = lint_imports(copy_with(tmp_path, module, line))
    assert status != 0, output
    assert f"{broken}" in output and "BROKEN" in output, output
