"""Node ids: one slug rule for every id kg makes.

The rule is the one `ontology/vocab/README.md` and the annotation guidelines state: lowercase, and
every run of characters other than a-z and 0-9 becomes one `-` (`Llama-3.1-8B` -> `llama-3-1-8b`,
`SQuAD 1.1` -> `squad-1-1`). Two kinds of characters are spelled out first, because dropping them
would merge different things into one id:
- Greek letters become their names: `PixArt-α` -> `pixart-alpha`, not PixArt's `pixart`;
- `+` becomes `plus`: `DPM-Solver++` -> `dpm-solver-plus-plus`, not DPM-Solver's `dpm-solver`.

An id is `<type>:<slug>` for entities (`model:sdxl`), `paper:<arXiv id or title slug>`,
`result:<paper id>:<n>` and `repo:<host/path>`. Ids are IRIs' last segments in RDF and Neo4j's
`id` property, so they never change once given (see kg/resolve.py).
"""

from __future__ import annotations

import re
from functools import lru_cache

from kg.schema import NodeType

# A run of letters and digits. Greek letters stay letters (`PixArt-α` is not `pixart`), a dot
# between digits stays (`OPT-1.3B` is not `OPT-13B`) and so do trailing pluses (`DPM-Solver++`).
# (Possessive and with no alternation, so that the regex engine never backtracks.)
RUN = re.compile(r"[A-Za-z\u0370-\u03ff\d]++(?:(?<=\d)\.\d[A-Za-z\u0370-\u03ff\d]*+)*+\+*+")


@lru_cache(maxsize=1 << 16)  # the same names and words come back in paper after paper
def norm(text: str) -> str:
    """The key names match on, in extraction, resolution and lookups: lowercase alphanumerics
    only, so case, spaces, hyphens and dots fold (`SD-1.5`, `sd 1.5` -> `sd15`)."""
    return "".join(RUN.findall(text)).lower()


_GREEK = dict(
    zip(
        "αβγδεζηθικλμνξοπρσςτυφχψω",
        [
            "alpha",
            "beta",
            "gamma",
            "delta",
            "epsilon",
            "zeta",
            "eta",
            "theta",
            "iota",
            "kappa",
            "lambda",
            "mu",
            "nu",
            "xi",
            "omicron",
            "pi",
            "rho",
            "sigma",
            "sigma",
            "tau",
            "upsilon",
            "phi",
            "chi",
            "psi",
            "omega",
        ],
        strict=True,
    )
)
_SPELLED = {ord(letter): f" {name} " for letter, name in _GREEK.items()} | {ord("+"): " plus "}
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """`Stable Diffusion v1.5` -> `stable-diffusion-v1-5`; `""` when nothing is left."""
    return _NOT_SLUG.sub("-", text.lower().translate(_SPELLED)).strip("-")


def entity_id(node_type: NodeType | str, name: str) -> str:
    """`model:llama-2-7b`: the type and the slug of the name (`x` for a name of no letters)."""
    return f"{str(node_type).lower()}:{slug(name) or 'x'}"


def paper_id(pid: str) -> str:
    return f"paper:{pid}"


def result_id(pid: str, index: int) -> str:
    """The `index`-th number a paper reports."""
    return f"result:{pid}:{index}"


def comparison_id(pid: str, index: int) -> str:
    """The `index`-th comparison a paper's sentences state."""
    return f"comparison:{pid}:{index}"


_SCHEME = re.compile(r"^https?://(www\.)?")


def repository_id(url: str) -> str:
    """`https://github.com/Foo/Bar.git` -> `repo:github.com/foo/bar`: one node per repository."""
    u = _SCHEME.sub("", url.strip().lower()).rstrip("/")
    return f"repo:{u.removesuffix('.git')}"
