"""The code stays ruff clean."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from conftest import ROOT


@pytest.mark.skipif(
    shutil.which("ruff") is None and not (ROOT / ".venv/bin/ruff").exists(), reason="ruff not installed"
)
def test_ruff_clean():
    ruff = shutil.which("ruff") or str(ROOT / ".venv/bin/ruff")
    result = subprocess.run([ruff, "check", "kg", "tests"], cwd=ROOT, capture_output=True, text=True)
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
