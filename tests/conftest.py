from __future__ import annotations

from pathlib import Path

import pytest

from kg.build import build

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
EXAMPLE_DAY = ROOT / "examples" / "daily_papers_sep10.txt"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def example_build(tmp_path_factory):
    """The example day built once: (graph, report, output folder)."""
    out = tmp_path_factory.mktemp("example") / "out"
    g, report = build([EXAMPLE_DAY], out)
    return g, report, out
