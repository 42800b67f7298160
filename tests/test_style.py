"""The code stays ruff clean."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

# on PATH, beside the Python running the tests (a venv that is not activated), or in the repo's .venv
RUFF = next(
    (
        str(c)
        for c in (shutil.which("ruff"), Path(sys.executable).parent / "ruff", ROOT / ".venv/bin/ruff")
        if c and Path(c).exists()
    ),
    None,
)


@pytest.mark.skipif(RUFF is None, reason="ruff not installed")
def test_ruff_clean():
    assert RUFF is not None
    result = subprocess.run([RUFF, "check", "kg", "tests"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_every_package_ships_in_the_wheel():
    """pyproject.toml lists the packages by hand (ontology/ and cypher/ are mapped into kg): a
    new subpackage missing there installs editable but not from the wheel."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    listed = set(config["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "kg").rglob("__init__.py")}
    assert found <= listed, sorted(found - listed)
    for package in found:  # and their data files: SQL, JavaScript
        folder = ROOT.joinpath(*package.split("."))
        suffixes = {p.suffix for p in folder.iterdir() if p.is_file() and p.suffix not in {".py", ".pyc"}}
        declared = {pattern.removeprefix("*") for pattern in config.get("package-data", {}).get(package, [])}
        assert suffixes <= declared, (package, sorted(suffixes - declared))
