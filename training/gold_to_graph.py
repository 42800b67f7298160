"""Turn a gold file into a graph.json the scorer reads, to score one annotator against another.

    python training/gold_to_graph.py training/data/second_reader.jsonl /tmp/second.json
    python ../shared/eval/score.py --gold training/data/train.jsonl --graph /tmp/second.json

Only required entities (not `optional`) become nodes, as in `../shared/gold/README.md`'s
agreement figure: a reader is scored on what it requires against what the other requires.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

EDGE_OF_ROLE = {
    "proposes": "PROPOSES",
    "uses": "USES",
    "compares_with": "COMPARES_WITH",
    "evaluates_on": "EVALUATED_ON",
    "runs_on": "RUNS_ON",
    "measures": "MEASURES",
    "addresses": "ADDRESSES",
    "mentions": "MENTIONS",
}


def gold_graph(lines: list[dict]) -> dict:
    nodes: dict[str, dict] = {}
    edges: list[dict] = []
    for number, paper in enumerate(lines):
        pid = f"paper:{number}"
        nodes[pid] = {
            "id": pid,
            "type": "Paper",
            "name": paper["paper"],
            "title": paper["paper"],
            "aliases": [],
        }
        ids = {}
        for entity in paper.get("entities", []):
            if entity.get("optional"):
                continue
            node_id = ids[entity["id"]] = f"{entity['type'].lower()}:{entity['id']}"
            node = nodes.setdefault(
                node_id, {"id": node_id, "type": entity["type"], "name": entity["name"], "aliases": []}
            )
            node["aliases"] = sorted({*node["aliases"], *entity.get("aliases", [])})
            for role in entity.get("roles", []):
                edge = EDGE_OF_ROLE[role]
                edges.append(
                    {
                        "source": pid,
                        "target": node_id,
                        "key": edge,
                        "type": edge,
                        "mentions": entity.get("aliases", []),
                    }
                )
        for i, result in enumerate(paper.get("results", [])):
            rid = f"result:{number}:{i}"
            nodes[rid] = {
                "id": rid,
                "type": "Result",
                "name": result.get("text", ""),
                "aliases": [],
                "value": result["value"],
                "unit": result.get("unit"),
                "metric": result.get("metric"),
            }
            edges.append({"source": pid, "target": rid, "key": "REPORTS", "type": "REPORTS"})
            for field, edge in (
                ("subject", "SUBJECT"),
                ("dataset", "DATASET"),
                ("hardware", "HARDWARE"),
                ("baseline", "BASELINE"),
            ):
                if result.get(field) in ids:
                    edges.append({"source": rid, "target": ids[result[field]], "key": edge, "type": edge})
        for url in paper.get("code", []):
            repo = f"repo:{url}"
            nodes[repo] = {"id": repo, "type": "Repository", "name": url, "url": url, "aliases": []}
            edges.append({"source": pid, "target": repo, "key": "HAS_CODE", "type": "HAS_CODE"})
    return {"directed": True, "multigraph": True, "graph": {}, "nodes": list(nodes.values()), "edges": edges}


def main() -> None:
    source, target = Path(sys.argv[1]), Path(sys.argv[2])
    lines = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    target.write_text(json.dumps(gold_graph(lines), ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
