"""Guard against catastrophic backtracking and unbounded work on hostile text.

    .venv/bin/python benchmarks/regex_guard.py [--bound 2.0] [--size 100000]

1. Every compiled regular expression in `kg` (module-level `re.Pattern`s, found by walking the
   package) scans (`search`, `finditer`) adversarial strings of `--size` characters: long runs
   of one character class, alternations of classes that nested quantifiers love (`aA1-`,
   `a a a`), unclosed brackets and quotes, and a real abstract repeated. Exponential
   backtracking shows at a few dozen characters; 5,000 keeps a merely quadratic scan (a pattern
   meant for `match` at one offset, searched from every offset) under the bound. Each pattern
   must finish each string within `--bound` seconds.
2. `extract_paper` runs on adversarial abstracts of 10k and 100k characters (the readers'
   limit); the time must grow at most about linearly (ratio under 25 for 10x the text).
3. A JSON Lines record with a 5 MB abstract is rejected by the reader with a one-line reason.

Each check runs in a child process that is killed at its bound, so a runaway pattern fails the
guard instead of hanging it. Prints one line per check; exit status 1 if any check fails.
"""

from __future__ import annotations

import argparse
import importlib
import multiprocessing as mp
import pkgutil
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SAMPLE = (
    "We propose Foo-Bar (FB), a diffusion model fine-tuned from SDXL on MS COCO with 8 A100 GPUs; "
    "it reaches 13.1 FID and 92.3% accuracy, 2.5x faster than LLaMA-2-7B. "
)


def adversarial(size: int) -> dict[str, str]:
    units = {
        "letters": "a",
        "capitals": "A",
        "digits": "1",
        "spaces": " ",
        "hyphens": "-",
        "dots": ".",
        "mixed classes": "aA1-_. ",
        "words": "a ",
        "capital words": "Aa ",
        "acronym runs": "AB ",
        "open brackets": "(",
        "open quotes": '"',
        "numbers": "1.1.",
        "percent": "1% ",
        "urls": "http://a",
        "sample abstract": SAMPLE,
    }
    return {name: (unit * (size // len(unit) + 1))[:size] for name, unit in units.items()}


def patterns() -> list[tuple[str, re.Pattern]]:
    import kg

    found = []
    for info in pkgutil.walk_packages(kg.__path__, "kg."):
        if info.name.endswith(".cli"):
            continue
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern):
                found.append((f"{info.name}.{name}", value))
    return found


def _scan(pattern: re.Pattern, text: str) -> None:
    if isinstance(pattern.pattern, bytes):
        text = text.encode()  # type: ignore[assignment]
    pattern.search(text)
    for _ in pattern.finditer(text):
        pass


def _extract(extractor, abstract: str) -> None:
    from kg.schema import Paper

    extractor.extract(Paper(id="x", title="A Title: With a Name", abstract=abstract))


def _huge_record(path: str) -> str:
    from kg.sources import read_records

    return "; ".join(getattr(r, "reason", "paper") for r in read_records([Path(path)]))


def bounded(function, args: tuple, bound: float) -> tuple[bool, float]:
    """Run `function(*args)` in a child process; (finished within bound, seconds)."""
    proc = mp.get_context("fork").Process(target=function, args=args)
    start = time.perf_counter()
    proc.start()
    proc.join(bound)
    seconds = time.perf_counter() - start
    if proc.is_alive():
        proc.kill()
        proc.join()
        return False, seconds
    return proc.exitcode == 0, seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bound", type=float, default=2.0, help="seconds per pattern and string")
    parser.add_argument("--size", type=int, default=5_000, help="characters per adversarial string")
    args = parser.parse_args(argv)
    failures = 0
    texts = adversarial(args.size)
    found = patterns()
    slowest = (0.0, "")
    for name, pattern in found:
        for label, text in texts.items():
            start = time.perf_counter()
            ok, seconds = bounded(_scan, (pattern, text), args.bound)
            seconds = time.perf_counter() - start
            slowest = max(slowest, (seconds, f"{name} on {label}"))
            if not ok:
                failures += 1
                print(f"FAIL  {name} on {label}: over {args.bound:.1f}s (or crashed)")
    verdict = "ok  " if not failures else "FAIL"
    print(f"{verdict}  {len(found)} patterns x {len(texts)} strings of {args.size:,} chars;")
    print(f"      slowest {slowest[0]:.2f}s ({slowest[1]}), bound {args.bound:.1f}s")

    from kg.extract import Extractor

    extractor = Extractor.load()  # loaded once: the forked children share it
    times = {}
    for size in (10_000, 100_000):
        for label in ("mixed classes", "capital words", "sample abstract", "acronym runs"):
            text = adversarial(size)[label]
            ok, seconds = bounded(_extract, (extractor, text), 60.0)
            times[(size, label)] = seconds if ok else float("inf")
    worst = max(times[(100_000, label)] / max(times[(10_000, label)], 1e-3) for _, label in times)
    linear = worst < 25
    failures += not linear
    slow = max(times.values())
    verdict = "ok  " if linear else "FAIL"
    print(f"{verdict}  extract_paper on 10k vs 100k adversarial abstracts: worst ratio {worst:.1f}")
    print(f"      (linear is 10; slowest 100k-char abstract {slow:.1f}s)")

    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        huge = Path(tmp) / "huge.jsonl"
        huge.write_text('{"id": "1", "title": "T", "abstract": "' + "word " * 1_000_000 + '"}\n')
        reason = _huge_record(str(huge))
    rejected = "limit" in reason
    failures += not rejected
    print(f"{'ok  ' if rejected else 'FAIL'}  a 5 MB abstract: {reason[:90]}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
