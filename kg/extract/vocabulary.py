"""The curated vocabulary (`ontology/vocab/*.csv`) and a matcher that finds its names in text.

Matching ignores case, spaces and punctuation (`SD 1.5` = `sd-1.5`), keeps word boundaries, takes
the longest name at each place, and compares case where an entry is flagged `cs`.
"""

from __future__ import annotations

import csv
import re
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import ahocorasick

from kg.errors import InputError
from kg.extract.text import RUN, NormalizedText, norm
from kg.ids import entity_id
from kg.schema import NodeType

TYPE_OF_FILE = {
    "models": NodeType.MODEL,
    "methods": NodeType.METHOD,
    "datasets": NodeType.DATASET,
    "hardware": NodeType.HARDWARE,
    "metrics": NodeType.METRIC,
    "tasks": NodeType.TASK,
}
COLUMNS = ["name", "aliases", "broader", "flags"]
LOOKUP_CACHE_SIZE = 1 << 16
# what `_candidates_in_plain_text` makes a space: every ASCII character but letters, digits and the
# dot, and the dots that do not stand between two digits
ASCII_NOT_IN_RUNS = {i: " " for i in range(128) if not (chr(i).isalnum() or chr(i) == ".")}
DOT_OUTSIDE_NUMBER = re.compile(r"\.(?:(?![0-9])|(?<![0-9]\.))")


@dataclass(frozen=True)
class Entry:
    id: str
    type: NodeType
    name: str
    aliases: tuple[str, ...]
    broader: str | None
    case_sensitive: bool
    ambiguous: bool
    source: str

    @property
    def forms(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    @property
    def list_name(self) -> str:
        """The file of the vocabulary it comes from, without `.csv`: `methods`, `methods_common`."""
        return self.source.partition(":")[0].removesuffix(".csv")


class Hit(NamedTuple):
    """A vocabulary name found in text: offsets in the text, the entry, the exact surface."""

    start: int
    end: int
    entry: Entry
    surface: str


@dataclass
class Vocabulary:
    entries: dict[str, Entry]
    by_form: dict[str, list[Entry]] = field(default_factory=dict)
    _automaton: ahocorasick.Automaton | None = None
    # `lookup` answers by surface string: the same names come back in paper after paper
    _lookups: dict[str, Entry | None] = field(default_factory=dict, repr=False, compare=False)
    # `find`'s choice of entry for a key matched as a surface string, for the same reason
    _matches: dict[tuple[str, str], Entry | None] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for entry in self.entries.values():
            for form in entry.forms:
                key = norm(form)
                if len(key) >= 2 and entry not in self.by_form.setdefault(key, []):
                    self.by_form[key].append(entry)
        automaton = ahocorasick.Automaton()
        for key, _entries in self.by_form.items():
            automaton.add_word(key, (len(key), key))
        if self.by_form:
            automaton.make_automaton()
            self._automaton = automaton

    def lookup(self, surface: str) -> Entry | None:
        """The entry a whole surface string names, if exactly one does (case rules apply)."""
        try:
            return self._lookups[surface]
        except KeyError:
            pass
        matches = self.entries_named(surface)
        entry = matches[0] if len(matches) == 1 else None
        if len(self._lookups) < LOOKUP_CACHE_SIZE:
            self._lookups[surface] = entry
        return entry

    def entries_named(self, surface: str) -> list[Entry]:
        """Every entry a surface string may name (case rules apply): more than one only for a form
        rows share on purpose (`ambiguous`: `ASR` is attack success rate and speech recognition)."""
        return [e for e in self.by_form.get(norm(surface), []) if _case_ok(e, surface)]

    def lineage(self, entry: Entry) -> list[str]:
        """Ids of the entry's families, nearest first."""
        out, seen = [], {entry.id}
        while entry.broader and entry.broader in self.entries and entry.broader not in seen:
            seen.add(entry.broader)
            out.append(entry.broader)
            entry = self.entries[entry.broader]
        return out

    def _match(self, key: str, surface: str) -> Entry | None:
        """The first entry of `key` that `surface` may name (case rules apply, and an acronym is
        never written with spaces between its letters: `spelled_apart_acronym`)."""
        try:
            return self._matches[key, surface]
        except KeyError:
            pass
        plain_word = surface.isalpha() and surface.islower()
        entries = [
            e
            for e in self.by_form[key]
            if _case_ok(e, surface)
            and not (plain_word and _only_cased_forms(e, key))
            and not spelled_apart_acronym(e, surface)
        ]
        entry = entries[0] if entries else None
        if len(self._matches) < LOOKUP_CACHE_SIZE:
            self._matches[key, surface] = entry
        return entry

    def find(self, text: str) -> list[Hit]:
        """Longest, leftmost, non-overlapping vocabulary names in `text`."""
        if self._automaton is None:
            return []
        if text.isascii() and "+" not in text:
            candidates = self._candidates_in_plain_text(text)
        else:
            candidates = self._candidates(text)
        candidates.sort(key=lambda c: (c[0], -(c[1] - c[0])))
        hits, last_end = [], -1
        for begin, finish, entry, surface in candidates:
            if begin >= last_end:
                hits.append(Hit(begin, finish, entry, surface))
                last_end = finish
        return hits

    def _candidates(self, text: str) -> list[tuple[int, int, Entry, str]]:
        """Every vocabulary name that starts and ends with a run of `text`, with its entry."""
        nt = NormalizedText.of(text)
        normalized, run_ends = nt.normalized, nt.run_ends
        candidates = []
        assert self._automaton is not None  # `find` checks
        for end, (length, key) in self._automaton.iter(normalized):
            start = end - length + 1
            inside_run = start > 0 and start not in run_ends  # not at the start of a run
            counted = inside_run and _count_times(normalized[_run_start(nt, start) : start])
            if inside_run and not counted:
                continue
            stop = end + 1
            if stop not in run_ends:
                # a plural: `SVMs`, `Hopper GPUs`
                if not (normalized[stop : stop + 1] == "s" and stop + 1 in run_ends):
                    continue
                if key[-1].isdigit() or _word_of_the_sentence(nt, start, stop):
                    continue
                stop += 1
            begin, finish = nt.span(start, stop)
            surface = text[begin:finish]
            entry = self._match(key, surface)
            if entry is not None and (not counted or entry.type == NodeType.HARDWARE):
                candidates.append((begin, finish, entry, surface))
        return candidates

    def _candidates_in_plain_text(self, text: str) -> list[tuple[int, int, Entry, str]]:
        """`_candidates` for ASCII text with no `+`, faster: no `NormalizedText`.

        In such text the runs are the stretches of letters, digits and dots between digits, and a
        run never touches the next one. With every other character made a space, the automaton
        reads the normalized text (it skips spaces) while its offsets stay those of `text`.
        """
        spaced = DOT_OUTSIDE_NUMBER.sub(" ", text.lower().translate(ASCII_NOT_IN_RUNS))
        size = len(spaced)
        candidates = []
        assert self._automaton is not None  # `find` checks
        for end, (length, key) in self._automaton.iter(spaced, ignore_white_space=True):
            finish = end + 1
            if finish < size and spaced[finish] != " ":  # not at the end of a run
                # a plural: `SVMs`, `Hopper GPUs`
                if not (spaced[finish] == "s" and (finish + 1 == size or spaced[finish + 1] == " ")):
                    continue
                if key[-1].isdigit():
                    continue
                finish += 1
            begin = end - length + 1
            if spaced.find(" ", begin, end) >= 0:  # the name spans runs (`GPT-4`): count its letters
                begin = _letters_back(spaced, end, length)
                last_run = spaced.rfind(" ", begin, end) + 1
                if finish > end + 1 and end + 1 - last_run < MIN_PLURAL_RUN and text[last_run].islower():
                    continue  # `S was` is no plural of SWA, nor `CLIP is` of CLIP-I
            inside_run = begin > 0 and spaced[begin - 1] != " "  # not at the start of a run
            counted = inside_run and _count_times(spaced[spaced.rfind(" ", 0, begin) + 1 : begin])
            if inside_run and not counted:
                continue
            surface = text[begin:finish]
            entry = self._match(key, surface)
            if entry is not None and (not counted or entry.type == NodeType.HARDWARE):
                candidates.append((begin, finish, entry, surface))
        return candidates


COUNT_TIMES = re.compile(r"\d{1,4}x")


def _run_start(nt: NormalizedText, at: int) -> int:
    """Where the run holding the normalized offset `at` starts."""
    return nt.run_starts[bisect_right(nt.run_starts, at) - 1]


def _count_times(run: str) -> bool:
    """Whether the part of a run before a name is a count of it (`8x` of `8xA800`): then the name
    inside the run is one, if it names hardware."""
    return COUNT_TIMES.fullmatch(run) is not None


# A plural `s` makes a word of the name's last run: a short lowercase one (`S was`, `CLIP is`) is a
# word of the sentence, not of the name (`Stable Diffusion XLs` stays a plural).
MIN_PLURAL_RUN = 3


def _word_of_the_sentence(nt: NormalizedText, start: int, stop: int) -> bool:
    """Whether the last run of the normalized name at [start, stop), before its plural `s`, is not
    its only one, and short and lowercase in the text."""
    last_run = max((e for e in nt.run_ends if start < e < stop), default=start)
    if last_run == start or stop - last_run >= MIN_PLURAL_RUN:
        return False
    begin, _ = nt.span(last_run, stop)
    return nt.text[begin].islower()


def _letters_back(spaced: str, end: int, count: int) -> int:
    """Where the `count` characters other than spaces that end at `end` begin."""
    at = end
    while True:
        if spaced[at] != " ":
            count -= 1
            if not count:
                return at
        at -= 1


def _forms_of_key(entry: Entry, key: str) -> list[str]:
    """The forms of `entry` a matched key stands for, itself or as a plural."""
    return [f for f in entry.forms if norm(f) in (key, key[:-1])]


def _only_cased_forms(entry: Entry, key: str) -> bool:
    """Every form of `entry` with this key has capitals: `MultiPL-E` must not match `multiple`."""
    return all(f != f.lower() for f in _forms_of_key(entry, key))


def only_spelled_apart(
    entry: Entry, surface: str, written_together: Callable[[str], bool] = str.isalpha
) -> bool:
    """Every form of `entry` that `surface` matches has separators between its letters: `tokens`
    matches `token/s` only so, and `Multiple` matches `MultiPL-E` only so (with `str.isalnum`,
    between its letters and digits: `R1` matches `R@1` only so)."""
    return not any(written_together(f.replace(" ", "")) for f in _forms_of_key(entry, norm(surface)))


def spelled_apart_acronym(entry: Entry, surface: str) -> bool:
    """Every form of `entry` that `surface` matches is an acronym (one word of capitals), which
    `surface` writes with spaces between its letters: `of $t` is not OFT, nor `k to` KTO."""
    if not any(c.isspace() for c in surface):
        return False
    forms = _forms_of_key(entry, norm(surface))
    return bool(forms) and all(f.isalpha() and f.isupper() for f in forms)


def _case_ok(entry: Entry, surface: str) -> bool:
    """A `cs` entry's one-word forms match only with the same letters in the same case."""
    if not entry.case_sensitive:
        return True
    key = norm(surface)
    letters = "".join(RUN.findall(surface))
    for form in entry.forms:
        if norm(form) not in (key, key[:-1]):
            continue
        if " " in form.strip():
            return True
        exact = "".join(RUN.findall(form))
        if letters in (exact, exact + "s"):
            return True
    return False


def read_vocabulary_files(folder: Path) -> Iterator[Entry]:
    """Every row of every vocabulary CSV in `folder`, checked."""
    for path in sorted(folder.glob("*.csv")):
        node_type = TYPE_OF_FILE.get(path.stem.split("_")[0])
        if node_type is None:
            raise InputError(path, f"file name must start with one of {sorted(TYPE_OF_FILE)}")
        with open(path, encoding="utf-8", newline="") as f:
            reader = csv.reader(f)
            header = next(reader, None)
            if header != COLUMNS:
                raise InputError(path, f"header must be {','.join(COLUMNS)}", 1)
            for lineno, row in enumerate(reader, 2):
                if not any(cell.strip() for cell in row):
                    continue
                if len(row) != len(COLUMNS):
                    raise InputError(path, f"expected {len(COLUMNS)} columns, got {len(row)}", lineno)
                name, aliases, broader, flags = (cell.strip() for cell in row)
                if not name:
                    raise InputError(path, "empty name", lineno)
                flag_set = set(flags.split())
                yield Entry(
                    id=entity_id(node_type, name),
                    type=node_type,
                    name=name,
                    aliases=tuple(a.strip() for a in aliases.split("|") if a.strip()),
                    broader=entity_id(node_type, broader) if broader else None,
                    case_sensitive="cs" in flag_set,
                    ambiguous="ambiguous" in flag_set,
                    source=f"{path.name}:{lineno}",
                )


def build_vocabulary(folder: Path) -> Vocabulary:
    entries: dict[str, Entry] = {}
    for entry in read_vocabulary_files(folder):
        if entry.id in entries:
            first = entries[entry.id]
            # the same thing listed in two topic files: merge the aliases
            merged = tuple(dict.fromkeys(first.aliases + entry.aliases))
            entries[entry.id] = Entry(
                first.id,
                first.type,
                first.name,
                merged,
                first.broader or entry.broader,
                first.case_sensitive and entry.case_sensitive,
                first.ambiguous or entry.ambiguous,
                first.source,
            )
        else:
            entries[entry.id] = entry
    return Vocabulary(entries)
