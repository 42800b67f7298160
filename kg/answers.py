"""The answers to `kg query` questions, and the rules for them that do not depend on where the
graph is kept: `kg.queries` asks a networkx graph, `kg.store.queries` the query store, and both
build their answers with what is here, so they agree."""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass

from kg.errors import KgError
from kg.ids import norm
from kg.schema import Role


class NameNotFound(KgError):
    pass


@dataclass(frozen=True)
class PaperUse:
    paper: str
    title: str
    role: str
    url: str | None
    evidence: str
    entity: str  # the name the paper uses: the entity asked for, or one of its versions


def not_found(name: str, names: list[str]) -> str:
    """The message for a name that matches no entity, with the closest of `names` to try."""
    key = norm(name)
    near = difflib.get_close_matches(name, names, n=6, cutoff=0.6)
    near += sorted({x for x in names if key and key in norm(x) and x not in near})[: 6 - len(near)]
    hint = f"; did you mean: {', '.join(near)}" if near else ""
    return f"no entity named {name!r} in the graph{hint}"


def roles_asked(role: str | None) -> set[str]:
    """The edge types `--role` means: one role, or all of them."""
    roles = {r.value for r in Role}
    if role is None:
        return roles
    # `compares-with` as the verb `compared-with` spells it, `compares_with` as the edge does
    asked = role.strip().upper().replace("-", "_").replace(" ", "_")
    if asked not in roles:
        raise KgError(f"unknown role {role!r} (known: {', '.join(sorted(r.lower() for r in roles))})")
    return {asked}


@dataclass(frozen=True)
class Comparison:
    """One sentence comparing the entity asked for with another (`other`)."""

    other: str
    name: str
    direction: str  # "baseline": the entity was compared against `other`; "challenger": the other way
    dataset: str | None  # the dataset the sentence names
    title: str  # the paper's
    text: str  # the sentence's words, from the challenger to the baseline


def comparison_order(c: Comparison) -> tuple[str, str, str, str]:
    return (c.name, c.direction, c.title, c.text)


@dataclass(frozen=True)
class ReportedResult:
    title: str
    subject: str | None
    metric: str | None
    value: float
    unit: str | None
    text: str | None
    change: bool = False  # a change (`by 5%`), not a level: no leaderboard entry


def path_steps(nodes: list[dict], links: dict[tuple[str, str], list[str]]) -> list[dict]:
    """A path as rows a person reads: each node, and the relation that leads to it from the one
    before (`--USES-->` when the edge points forward, `<--USES--` when it points back).
    `nodes` holds each node's id, type and name; `links` the edge types from one node to another."""
    rows = []
    for i, node in enumerate(nodes):
        relation = ""
        if i:
            u, v = nodes[i - 1]["id"], node["id"]
            forward = [f"--{t}-->" for t in sorted(links.get((u, v), []))]
            backward = [f"<--{t}--" for t in sorted(links.get((v, u), []))]
            relation = " ".join(forward + backward)
        rows.append({"step": i, "relation": relation, **node})
    return rows


UNKNOWN_MONTH = "unknown"


def paper_month(paper: dict) -> str | None:
    """YYYY-MM of a paper node's `published` date, else of its `listing_date`; None if neither."""
    date = str(paper.get("published") or paper.get("listing_date") or "")
    return date[:7] if len(date) >= 7 and date[:4].isdigit() and date[4] == "-" else None


def trend_rows(per_month: Counter, all_papers: Counter) -> list[dict]:
    """Rows of `trend`: every month between the first and the last the entity appears in."""
    known = sorted(m for m in per_month if m != UNKNOWN_MONTH)
    months = []
    if known:
        year, month = map(int, known[0].split("-"))
        while f"{year:04d}-{month:02d}" <= known[-1]:
            months.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    if per_month.get(UNKNOWN_MONTH):
        months.append(UNKNOWN_MONTH)
    return [
        {
            "month": m,
            "papers": per_month.get(m, 0),
            "of_all": all_papers.get(m, 0),
            "percent": round(100 * per_month.get(m, 0) / all_papers[m], 2) if all_papers.get(m) else 0.0,
        }
        for m in months
    ]


def rank_results(rows: list[dict], lower: Collection[str]) -> list[dict]:
    """Leaderboard order: grouped by metric, best first within each (lowest first for the
    metrics in `lower`, lower-cased). A number no metric measures (a count of questions, a token
    budget) and a change (`improves accuracy by 5%`) are results of their paper but no scores to
    rank: they are left out."""

    def order(r: dict) -> tuple:
        metric = r["metric"].lower()
        best_first = r["value"] if metric in lower else -r["value"]
        return (metric, best_first, r["title"], r["dataset"])

    return sorted((r for r in rows if r.get("metric") and not r.get("change")), key=order)


def pick_entity(name: str, hits: list[tuple[str, str, bool]]) -> str:
    """The one node a name means among the (id, name, in_vocabulary) of the nodes it folds to:
    the one so named rather than so aliased, then the vocabulary's; else a clear error."""
    key = norm(name)
    for preferred in (lambda h: norm(h[1]) == key, lambda h: h[2]):
        narrowed = [h for h in hits if preferred(h)]
        if len(narrowed) == 1:
            return narrowed[0][0]
        hits = narrowed or hits
    raise NameNotFound(f"{name!r} is ambiguous: {', '.join(sorted(h[0] for h in hits)[:8])}")
