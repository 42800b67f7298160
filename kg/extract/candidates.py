"""Candidates: what the rules propose in a paper, before the learned decisions.

The vocabulary and the name patterns find names in the title and the abstract (`Found`); the
names are grouped into one candidate entity each (`Group`), with the rules' guess of its type, and
each mention gets the role its sentence's cue words give it. `Extractor.decide` then keeps, drops
or retypes them with the model.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import lru_cache
from itertools import chain, pairwise

from kg.extract import names as patterns_for_names
from kg.extract.grouping import Candidates, Found, Group, MentionSpan
from kg.extract.names import Name, NameFinder
from kg.extract.patterns import Patterns
from kg.extract.roles import RoleCues, is_named_apposition, is_proposed_object
from kg.extract.text import new_key, norm, sentences, urls
from kg.extract.vocabulary import Entry, Vocabulary, only_spelled_apart
from kg.schema import NodeType, Paper, Role

# LaTeX that styles a name (`we propose \textbf{Style-Aligned Refinement}`, `$\textit{X}$`): the
# markup is blanked out, the name kept, so that the name patterns read it as plain text
LATEX_STYLE = re.compile(
    r"(\$?\\(?:textbf|textit|emph|texttt|textsc|textrm|underline|mathbf|mathrm|mathit|text)\{)([^{}$\\]*)(\}\$?)"
)
OUR = re.compile(r"\bour\s+$", re.I)
CLASS_WORD = "class"  # marks the forms of an acronym that names a class of things
# marks an acronym the paper defines otherwise than the vocabulary does (`Sylvester-Fermat-
# Torricelli (SFT) problem`), as a concept no rule takes for a name: in that paper it is not the
# vocabulary's entry (supervised fine-tuning)
OTHER_MEANING = "other meaning"
NAMED_APPOSITION = re.compile(r",\s+an?\s")  # `MUSE, a novel agent framework`
FOLLOWING_HEAD = re.compile(r"\)?\s*([a-z]+)")  # `(JLCM) method`
LOWER = re.compile(r"[a-z]")
TWO_CAPITALS_APART = re.compile(r"[A-Z].*[A-Z]")
PLURAL_ACRONYM = re.compile(r"[A-Z]s$")
ALNUM_WORD = re.compile(r"[a-z0-9]+")
# words right before a name that say the paper uses what it names, not that it makes it
USED_BEFORE = re.compile(
    r"\b(?:using|uses?|used|leverag\w*|integrat\w*|revisit\w*|existing|via|adopt\w*|employ\w*|"
    r"apply|applies|applying|based on|standard|classic(?:al)?|conventional|traditional|well-known|"
    r"popular|widely used)\s+(?:(?:the|a|an)\s+)?$",
    re.I,
)
USED_REACH = 40  # characters before a name where USED_BEFORE looks
BARE_SOURCE = "bare_acronym"  # the `source` of an acronym no rule accepts as a name (`SAMM`)
LIST_SEPARATOR = r",\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+"
LIST_GAP = re.compile(rf"{LIST_SEPARATOR}|\s*/\s*")  # between two items of a list
# between two items of a list, an acronym's parentheses closed before it (`pyramid (SCP), and ...`),
# or between a name and its acronym
LIST_MATE_GAP = re.compile(rf"\)?(?:{LIST_SEPARATOR})|\s*\(")
INITIAL_PARTS = re.compile(r"[\s\-]+")  # the words of a name whose initials spell an acronym
BENCH_WORD = " Bench"  # the last word of a benchmark named after a thing (`DeepResearch Bench`)
DATASET_WORD = re.compile(r"\b(?:benchmark|dataset|corpus)\b", re.I)
# `/4B/8B` after `Qwen3-VL-2B`, `/Flash` after `Gemini 2.5 Pro`: other names written as the tail
# of the name before them
SLASH_CHAIN = re.compile(r"(?:/[A-Za-z0-9][A-Za-z0-9.\-]{0,9}+)+(?![\w/])")
DIGIT_TAIL = re.compile(r"(?<=[A-Za-z\s\-])\d[\w.]*$")  # `24` of `AIME24`, `2B` of `Qwen3-VL-2B`
WORD_TAIL = re.compile(r"(?<=[\s\-])[A-Z][\w.]*$")  # `Pro` of `Gemini 2.5 Pro`, `V2` of `Deepseek V2`


TYPE_PRIORITY = (NodeType.DATASET, NodeType.METHOD, NodeType.MODEL, NodeType.TASK, NodeType.METRIC)


def _is_class_word(surface: str, local_keys: dict[str, tuple[str, Entry | None, Name]]) -> bool:
    key = norm(surface)
    return any(local_keys.get(k, ("",))[0] == CLASS_WORD for k in (key, key.rstrip("s")))


def strong_name_mixed(short: str) -> bool:
    """Mixed case in an acronym (`CoLM`, `ReNO`) is a coined name, not an abbreviation."""
    return bool(LOWER.search(short) and TWO_CAPITALS_APART.search(short))


def _plural(acronym: Name) -> bool:
    return acronym.plural or bool(PLURAL_ACRONYM.search(acronym.surface))


def _similar(a: str, b: str) -> bool:
    """Most words shared: `Stochastic Gradient Decent` ~ `Stochastic Gradient Descent`."""
    wa, wb = set(ALNUM_WORD.findall(a.lower())), set(ALNUM_WORD.findall(b.lower()))
    return len(wa) > 1 and len(wa & wb) * 2 >= max(len(wa), len(wb))


def _take_if_free(f: Found, taken: list[Found], starts: list[int], ends: list[int]) -> None:
    """Take `f` unless it overlaps a taken name. The taken names do not overlap, so sorted by start
    (`starts`) they are sorted by end too (`ends`): `f` overlaps one of them only if it overlaps the
    last one that starts before it ends."""
    i = bisect_left(starts, f.end)
    if i and ends[i - 1] > f.start:
        return
    taken.append(f)
    starts.insert(i, f.start)
    ends.insert(i, f.end)


def _without_overlaps(hits: list[Found], pattern_found: list[Found]) -> list[Found]:
    """Keep the longest of overlapping names; a vocabulary hit wins a tie."""
    ranked = sorted(
        [(h, 1) for h in hits] + [(p, 0) for p in pattern_found],
        key=lambda item: (-(item[0].end - item[0].start), -item[1], item[0].start),
    )
    taken: list[Found] = []
    taken_starts: list[int] = []
    taken_ends: list[int] = []
    for f, _ in ranked:
        _take_if_free(f, taken, taken_starts, taken_ends)
    # a title's own name that the vocabulary knows keeps the mark of being the paper's own
    own = {(p.field, p.start, p.end): p.name for p in pattern_found if p.name and p.name.proposed}
    for t in taken:
        if t.name is None and (t.field, t.start, t.end) in own:
            t.name = own[(t.field, t.start, t.end)]
    return sorted(taken, key=lambda f: (f.field != "title", f.start))


def _slash_joined_names(name: Name, hits: list[Found]) -> bool:
    """`DPO/KTO/GRPO`, `full/LoRA`: names the vocabulary knows, joined by slashes into one token,
    are those names, each its own candidate; the joined token is none. The parts written with a
    capital must all be known names (`Advantage/KL`, `MOEA/D` stay one name), and parts that start
    with a digit keep the token whole (`ViT-L/14`, `AIME24/25`)."""
    if "/" not in name.surface or " " in name.surface:
        return False
    known = {(h.start, h.end) for h in hits if name.start <= h.start and h.end <= name.end}
    place, any_known = name.start, False
    for part in name.surface.split("/"):
        end = place + len(part)
        if not part or not part[0].isalpha():
            return False
        if (place, end) in known:
            any_known = True
        elif not part.islower():
            return False
        place = end + 1
    return any_known


def slash_alternatives(text: str, first: Found) -> list[tuple[int, int, str]]:
    """`Gemini 2.5 Pro/Flash`, `Qwen3-VL-2B/4B`, `AIME24/25`, `Deepseek V2/V3/R1`: each name written
    after a slash as the tail of the name before it, spelled whole (`Gemini 2.5 Flash`), with the
    place of what is written. A tail takes the place of the tail of the same kind: digits first
    (`2B` -> `4B`), or a capitalized word (`Pro` -> `Flash`); `ROUGE-1/L` has no `ROUGE-L` in it."""
    chain = SLASH_CHAIN.match(text, first.end)
    if chain is None:
        return []
    surface = text[first.start : first.end]
    out = []
    place = first.end
    for written in chain.group(0)[1:].split("/"):
        start = place + 1
        place = start + len(written)
        tail = (DIGIT_TAIL if written[0].isdigit() else WORD_TAIL).search(surface)
        if tail is not None:
            out.append((start, place, surface[: tail.start()] + written))
    return out


def _overlaps_any(f: Found, others: list[Found]) -> bool:
    return any(o.start < f.end and f.start < o.end for o in others)


def _bare_method_word(f: Found) -> bool:
    return (
        f.entry is not None
        and f.entry.type == NodeType.METHOD
        and not f.generic
        and f.surface.islower()
        and " " not in f.surface
    )


def _phrases_over_known_tails(taken: list[Found], phrases: list[Found], written: str) -> list[Found]:
    """`taken` without the vocabulary names that a longer phrase ends with, where the phrase
    overlaps nothing else: the phrase takes their place. It does so for a method the vocabulary
    names by one lowercase word (`weight-only quantization`, not `quantization`), and for any name
    where the paper writes the phrase more than once (`temporal self-attention`, `tabular anomaly
    detection`): a phrase repeated is the paper's name for the thing, where one written once is
    more often the known name with a word in front (`cold-start supervised fine-tuning`; counted
    on the training abstracts, see training/README.md). Generic names stay (`reinforcement
    learning` in `multi-turn reinforcement learning`: annotators name the paradigm), and so do
    metrics (`end-to-end speedup`). `written` is the paper's title and abstract in lower case."""
    tails = {(f.field, f.end): f for f in taken if f.entry is not None and not f.generic}
    for phrase in phrases:
        if phrase.name is not None and phrase.name.class_word:
            taken = _class_worded_over_known_words(taken, phrase)
            continue
        tail = tails.get((phrase.field, phrase.end))
        if tail is None or phrase.start >= tail.start:
            continue
        known_type = tail.entry.type if tail.entry is not None else None
        if not (
            _bare_method_word(tail)
            or (known_type != NodeType.METRIC and written.count(phrase.surface.lower()) > 1)
        ):
            continue
        if all(t is tail or t.end <= phrase.start or t.start >= phrase.end for t in taken):
            taken = [t for t in taken if t is not tail]
            del tails[(phrase.field, phrase.end)]
    return taken


def _fill_gaps(taken: list[Found], extra: list[Found], written: str) -> list[Found]:
    """`taken` (names that do not overlap) with the longest of `extra` that overlap none of them."""
    if not extra:
        return taken
    taken = _phrases_over_known_tails(taken, extra, written)
    starts = sorted(f.start for f in taken)
    ends = sorted(f.end for f in taken)
    for f in sorted(extra, key=lambda f: (-(f.end - f.start), f.start)):
        _take_if_free(f, taken, starts, ends)
    return sorted(taken, key=lambda f: (f.field != "title", f.start))


def _class_worded_over_known_words(taken: list[Found], phrase: Found) -> list[Found]:
    """`taken` without the lowercase known names inside a phrase written before a class word, or
    ending with the class word: `gated self-attention` in `a gated self-attention mechanism`
    takes the place of `self-attention` (generic or not), `multi-instance attention` that of
    `attention mechanism`. The class word says the phrase is the name of one thing."""
    assert phrase.name is not None
    end = phrase.end + 1 + len(phrase.name.class_word)
    inside = [t for t in taken if t.field == phrase.field and t.start < end and phrase.start < t.end]
    known_words = all(
        phrase.start < t.start and t.end <= end and t.entry is not None and t.surface.islower()
        for t in inside
    )
    return [t for t in taken if t not in inside] if inside and known_words else taken


def _goes_on(proposed: tuple[str, int] | None, f: Found, text: str) -> bool:
    """Whether a mention is the first new name its sentence proposes (`proposed`: the key of the
    one so far, and where the list it opens has got to), that name again, or the next of its list."""
    return (
        proposed is None or proposed[0] == f.key or bool(LIST_MATE_GAP.fullmatch(text, proposed[1], f.start))
    )


def _marks_own_work(
    group: Group,
    f: Found,
    before: str,
    proposal: bool,
    defined: bool,
    named_here: bool,
    title_key: str,
    role: Role,
    used: bool,
    model_decides: bool,
) -> bool:
    """Whether a mention the cues did not mark as proposed still names the paper's own work.
    `used`: the words right before it say the paper uses it (`USED_BEFORE`); `model_decides`: the
    decision model reads the mentions of new names."""
    if group.entry is None:
        # The rules alone take an acronym spelled out here and known nowhere else for the paper's
        # own, unless the words before it say the paper uses it (`using Conformal Prediction (CP)`).
        # A model reads the definition (`acronym_defined`) with the rest of the sentence instead:
        # `The Sliced Wasserstein Distance (SWD) offers ...` is prior work. (5-fold CV on three
        # splits: proposes +0.007, +0.004, +0.006; core +0.000, +0.001, -0.000.)
        return not model_decides and named_here and role == Role.USES and not used
    return bool(
        (f.name and f.name.proposed)
        or (title_key.startswith(norm(f.surface)) and proposal and is_proposed_object(before))
        # a vocabulary dataset this paper introduces and spells out: `we introduce X (X-Bench)`
        or (group.type == NodeType.DATASET and defined and is_proposed_object(before))
        # a known name given to what the paper proposes: `discovers an optimizer, Lion`
        or is_named_apposition(before)
    )


def _entry_in_context(surface: str, entry: Entry, vocab: Vocabulary, text: str) -> Entry:
    """A form two entries share is the one whose other words the paper uses: `ASR` next to
    `speech` is speech recognition, next to `attacks` attack success rate. With no word to tell,
    the vocabulary's first."""
    options = vocab.entries_named(surface)
    if len(options) < 2:
        return entry
    words = _telling_words(text)

    def support(option: Entry) -> int:
        return len(set().union(*(_telling_words(form) for form in option.forms)) & words)

    best = max(options, key=support)  # the first of equal ones
    return best if support(best) > support(entry) else entry


def _telling_words(text: str) -> set[str]:
    """The words of five letters or more, singular (`attacks` -> `attack`): short ones (`rate`,
    `of`) tell no meaning from another."""
    return {w.removesuffix("s") for w in ALNUM_WORD.findall(text.lower()) if len(w) >= 5}


def _family_as_its_one_member(groups: dict[str, Group], found: list[Found], vocab: Vocabulary) -> None:
    """`We fine-tune Llama-3.1-8B ... Fine-tuned Llama achieved`: a family name that comes after
    the one member of the family a paper names, and that is the member's name without its version
    or size, is that member, shortened. Its mentions join the member's group (the annotators alias
    it so)."""
    first_place: dict[str, int] = {}
    for i, f in enumerate(found):  # title first, then the abstract, in order
        first_place.setdefault(f.key, i)
    members: dict[str, list[str]] = {}
    for key, group in groups.items():
        for family in vocab.lineage(group.entry) if group.entry else group.family:
            members.setdefault(family, []).append(key)
    for family, keys in members.items():
        if family not in groups or len(keys) != 1 or first_place[keys[0]] > first_place[family]:
            continue
        member = groups[keys[0]]
        short, full = norm(groups[family].name), norm(member.name)
        if not (full.startswith(short) and any(c.isdigit() for c in full[len(short) :])):
            continue  # `Qwen3-4B` is not short for `Qwen3-4B-Base`
        for f in found:
            if f.key == family:
                f.key, f.entry = member.key, member.entry
        member.aliases.update(groups.pop(family).aliases)


def _mark_lists(groups: dict[str, Group], found: list[Found], fields: dict[str, str]) -> None:
    """Tell each candidate the vocabulary's types of the names it is listed with, next to it in a
    list (`Stable Diffusion 3 and Lumina-Next-T2I`, `MMLU, GSM8K and FooBench`): the items of a
    list are mostly things of one kind. `found` is in order: the title's names, then the abstract's."""
    for a, b in pairwise(found):
        if a.field != b.field or a.key == b.key or b.start - a.end > 6:
            continue
        if not LIST_GAP.fullmatch(fields[a.field], a.end, b.start):
            continue
        if a.entry is not None:
            groups[b.key].listed_with.add(a.entry.type)
        if b.entry is not None:
            groups[a.key].listed_with.add(b.entry.type)


def _settle_proposals(groups: dict[str, Group]) -> None:
    """A name first met as background (`methods such as X`) is not the paper's own."""
    for group in groups.values():
        if (
            Role.PROPOSES in group.roles
            and not group.in_title
            and group.first_role
            not in (
                None,
                Role.PROPOSES,
            )
        ):
            group.roles.discard(Role.PROPOSES)
            group.roles.add(group.first_role)


VERSION_TAIL = re.compile(r"[-\s]?(?:v?\d+(?:\.\d+)*[a-z]?|\d+(?:\.\d+)?[BM](?:-[A-Za-z]+)?)$|-[A-Z]{1,3}$")


@lru_cache(maxsize=1 << 14)  # the same names come back in paper after paper
def _without_version(surface: str) -> str:
    return VERSION_TAIL.sub("", surface)


def _family(surface: str, vocab: Vocabulary, name: Name | None = None) -> Entry | None:
    """The vocabulary family of a versioned or sized name it does not list (`ChatGLM2`), or of a
    variant of a model or dataset it lists (`WavLM-large`)."""
    if name is not None and name.variant_of:
        entry = vocab.lookup(name.variant_of)
        if entry is not None and entry.type in (NodeType.MODEL, NodeType.DATASET):
            return entry
    base = _without_version(surface)
    if base == surface or len(norm(base)) < 3:
        return None
    entry = vocab.lookup(base)
    return entry if entry is not None and entry.type == NodeType.MODEL else None


def _blank_markup(m: re.Match[str]) -> str:
    return " " * len(m.group(1)) + m.group(2) + " " * len(m.group(3))


class CandidateFinder:
    """The rules that propose candidates, with what they read: the vocabulary, the patterns, the
    name finder and the role cues. `phrases`: a decision model decides on these candidates, so
    lowercase noun phrases and generic names are candidates too, and the model, not a rule, says
    whether a new acronym's definition, or a new name that a proposal sentence writes after the
    one it proposes, is the paper's own work."""

    def __init__(
        self, vocabulary: Vocabulary, patterns: Patterns, names: NameFinder, roles: RoleCues, phrases: bool
    ) -> None:
        self.vocabulary, self.patterns, self.names, self.roles = vocabulary, patterns, names, roles
        self.phrases = phrases

    def candidates(self, paper: Paper) -> Candidates:
        """What the rules propose for a paper: names, grouped into candidate entities with a type
        and roles."""
        vocab = self.vocabulary
        fields = {"title": paper.title, "abstract": paper.abstract}
        sentence_spans = {f: sentences(t) for f, t in fields.items()}
        found: list[Found] = []
        local_keys: dict[str, tuple[str, Entry | None, Name]] = {}  # acronym forms -> their entity
        written = f"{paper.title}\n{paper.abstract}".lower()
        for fname, text in fields.items():
            found += self._find_names(
                fname, text, sentence_spans[fname], vocab, local_keys, paper.abstract, written
            )
        self._title_initials(found, local_keys, vocab)
        other_meanings = {form for form, (key, _, _) in local_keys.items() if key == OTHER_MEANING}
        if other_meanings:
            found = [f for f in found if norm(f.surface) not in other_meanings]
        groups = self._group(found, local_keys, vocab, fields)
        _mark_lists(groups, found, fields)
        _family_as_its_one_member(groups, found, vocab)
        self._assign_roles(groups, found, fields, sentence_spans)
        _settle_proposals(groups)
        return Candidates(paper, fields, sentence_spans, found, groups)

    def _find_names(
        self,
        fname: str,
        text: str,
        spans: list[tuple[int, int]],
        vocab: Vocabulary,
        local_keys: dict[str, tuple[str, Entry | None, Name]],
        abstract: str = "",
        written: str = "",
    ) -> list[Found]:
        starts = {s for s, _ in spans}
        # URLs are not names: blank them out, keeping every offset
        for start, end, _ in urls(text):
            text = text[:start] + " " * (end - start) + text[end:]
        if "\\" in text:
            text = LATEX_STYLE.sub(_blank_markup, text)
        hits = [
            Found(fname, h.start, h.end, h.surface, h.entry)
            for h in vocab.find(text)
            if not self._matches_only_spelled_apart(h.surface, h.entry)
        ]
        for h in hits:
            if h.entry is not None and h.entry.ambiguous:
                h.entry = _entry_in_context(h.surface, h.entry, vocab, f"{text} {abstract}")
        if self.phrases:  # the model decides on generic names too
            for h in hits:
                h.generic = self.names.is_generic(h.surface)
        else:
            hits = [h for h in hits if not self.names.is_generic(h.surface)]
        candidates: list[Name] = []
        if fname == "title":
            for own in (
                self.names.title_prefix(text),
                self.names.title_report(text),
                self.names.title_lead(text, abstract),
            ):
                if own:
                    candidates.append(own)
        definitions = [
            *self.names.acronym_definitions(text),
            *self.names.reverse_acronym_definitions(text),
        ]
        for acronym in definitions:
            if self._register_acronym(acronym, vocab, local_keys, text[acronym.end : acronym.end + 40]):
                candidates.append(acronym)
                if acronym.long_form is None or acronym.long_start is None:
                    continue
                candidates.append(
                    Name(
                        acronym.long_start,
                        acronym.long_start + len(acronym.long_form),
                        acronym.long_form,
                        long_form=acronym.long_form,
                    )
                )
        tokens = []
        for t in self.names.name_tokens(text, starts, title=fname == "title", capitalized=self.phrases):
            if (
                not patterns_for_names.bare_acronym(t.surface)
                or norm(t.surface) in local_keys
                or is_proposed_object(text[max(0, t.start - 40) : t.start])
                or NAMED_APPOSITION.match(text, t.end)
            ):
                tokens.append(t)
            elif self.phrases and self._may_name_a_thing(t.surface):
                # an undefined acronym is more often an abbreviation than a name (`AIGC`), but many
                # datasets and tools are named by one (`SAMM`): the model decides, told what it is
                tokens.append(Name(t.start, t.end, t.surface, source=BARE_SOURCE))
        candidates += tokens
        if fname == "abstract":
            # a capitalized phrase that starts with a vocabulary name is that name in context
            # (`Stable Diffusion v1`), unless a benchmark's word ends it (`DeepResearch Bench`);
            # one that ends with it is a more specific name (`Guidance Distillation`)
            candidates += [
                c
                for c in self.names.capitalized_phrases(text, starts)
                if c.surface.endswith(BENCH_WORD) or not any(h.start <= c.start < h.end for h in hits)
            ]
        # a metric followed by a number is a score (`F1 0.802`), never a version of the metric
        versioned = [h for h in hits if h.entry is None or h.entry.type != NodeType.METRIC]
        tail = self.names.variant_tail
        candidates += patterns_for_names.variant_names(text, [*candidates, *versioned], tail)
        candidates += patterns_for_names.sized_names(text, [*tokens, *hits])
        candidates += patterns_for_names.hardware_names(text)
        candidates += patterns_for_names.metric_cutoff_names(text)
        if fname == "abstract":
            candidates += self.names.described_proposals(text)
            candidates += self.names.headed_datasets(text)

        pattern_found = []
        not_names, not_entities = self.patterns.not_names, self.patterns.not_entities
        for c in candidates:
            lowered = c.surface.lower()
            if lowered in not_names or _slash_joined_names(c, hits):
                continue
            not_entity = lowered in not_entities or lowered.rstrip("s") in not_entities
            generic = not_entity or self.names.is_generic(c.surface) or _is_class_word(c.surface, local_keys)
            if generic and not self.phrases:
                continue
            entry = vocab.lookup(c.surface)
            if c.long_form:
                local = local_keys.get(norm(c.surface))
                entry = local[1] if local else entry
            pattern_found.append(
                Found(fname, c.start, c.end, c.surface, entry, name=c, generic=generic, not_entity=not_entity)
            )
        alternatives = [
            Found(fname, start, end, surface, vocab.lookup(surface), name=Name(start, end, surface))
            for h in hits
            for start, end, surface in slash_alternatives(text, h)
        ]
        if alternatives:  # what the slashes join is those names, not a name of its own (`R1`, `AIME24/25`)
            hits = [h for h in hits if not _overlaps_any(h, alternatives)] + alternatives
            pattern_found = [p for p in pattern_found if not _overlaps_any(p, alternatives)]
        taken = _without_overlaps(hits, pattern_found)
        if not self.phrases:
            return taken
        title = fname == "title"
        names = self.names
        found_phrases = chain(names.headed_phrases(text, title), names.class_worded_phrases(text, title))
        phrases = [
            Found(fname, p.start, p.end, p.surface, None, name=p, generic=names.is_generic(p.surface))
            for p in found_phrases
            if p.surface.lower() not in not_names
        ]
        return _fill_gaps(taken, phrases, written)

    def _matches_only_spelled_apart(self, surface: str, entry: Entry) -> bool:
        """A common word, or a short code, that matches a name only as that name spelled with
        separators is not that name: `tokens` is not `token/s`, nor `Multiple` MultiPL-E, nor `R1`
        Recall@1 (`R@1`); `UNet` stays U-Net."""
        if not surface.isalpha():
            return len(surface) <= 3 and surface.isalnum() and only_spelled_apart(entry, surface, str.isalnum)
        word = surface.lower()
        if word not in self.names.common_words and word.rstrip("s") not in self.names.common_words:
            return False
        return only_spelled_apart(entry, surface)

    def _may_name_a_thing(self, acronym: str) -> bool:
        """Not a plural acronym nor one the word lists call generic: those name a class (`LLMs`)."""
        return not PLURAL_ACRONYM.search(acronym) and not self.names.is_generic(acronym)

    def _title_initials(
        self, found: list[Found], local_keys: dict[str, tuple[str, Entry | None, Name]], vocab: Vocabulary
    ) -> None:
        """A name of the title whose initials the abstract writes as an acronym is that acronym
        spelled out (`Region-Adaptive Sampling for Diffusion Transformers` ... `we introduce RAS`):
        one entity, as a definition in parentheses would make them."""
        acronyms = {
            f.surface: f
            for f in found
            if f.field == "abstract" and f.entry is None and 2 <= len(f.surface) <= 8 and f.surface.isupper()
            and f.surface.isalpha() and norm(f.surface) not in local_keys
        }  # fmt: skip
        if not acronyms:
            return
        for f in found:
            if f.field != "title" or f.entry is not None or norm(f.surface) in local_keys:
                continue
            parts = INITIAL_PARTS.split(f.surface)
            if len(parts) < 2 or not all(part[:1].isupper() for part in parts):
                continue
            short = acronyms.get("".join(part[0] for part in parts))
            if short is not None:
                name = Name(short.start, short.end, short.surface, long_form=f.surface)
                self._register_acronym(name, vocab, local_keys)

    def _register_acronym(
        self,
        acronym: Name,
        vocab: Vocabulary,
        local_keys: dict[str, tuple[str, Entry | None, Name]],
        text_after: str = "",
    ) -> bool:
        """An acronym and its expansion are one entity; the expansion decides which."""
        assert acronym.long_form is not None
        if self.names.is_generic(acronym.long_form) or self.names.is_generic(acronym.surface):
            return False
        not_entities = self.patterns.not_entities
        if acronym.surface.lower().rstrip("s") in not_entities or acronym.surface.lower() in not_entities:
            return False
        entry = vocab.lookup(acronym.long_form)
        if entry is None:
            short_entry = vocab.lookup(acronym.surface)
            # an acronym the paper defines means what the paper defines: it is the vocabulary's only
            # if the expansion agrees with one the vocabulary lists (`State-Adaptive Memory (SAM)` is
            # not Segment Anything), or, for an entry that lists none, if the entry is unambiguous
            expansions = [f for f in short_entry.forms if " " in f.strip()] if short_entry else []
            agrees = short_entry is not None and (
                any(_similar(acronym.long_form, f) for f in expansions)
                or (not expansions and not short_entry.ambiguous)
            )
            entry = short_entry if agrees else None
            if short_entry is not None and not agrees and not self._names_a_thing(acronym, text_after):
                local_keys.setdefault(norm(acronym.surface), (OTHER_MEANING, None, acronym))
                return False
        if entry is None and not self._names_a_thing(acronym, text_after):
            return False
        if entry is None and (_plural(acronym) or _is_class_word(acronym.surface, local_keys)):
            # `multimodal foundation models (MFMs)` names a class of things, not one thing
            for form in (acronym.surface, acronym.surface.rstrip("s"), acronym.long_form):
                local_keys.setdefault(norm(form), (CLASS_WORD, None, acronym))
            return False
        key = entry.id if entry else new_key(acronym.long_form)
        for form in (acronym.surface, acronym.long_form):
            local_keys.setdefault(norm(form), (key, entry, acronym))
        return True

    def _names_a_thing(self, acronym: Name, text_after: str) -> bool:
        """`Multi-Matrix Factorization Attention (MFA)` or `... mappings (JLCM) method` name a thing;
        `magnetic resonance imaging (MRI)` names a concept of another field."""
        long_form = acronym.long_form or ""
        if sum(w[:1].isupper() for w in long_form.split()) >= 2 or strong_name_mixed(acronym.surface):
            return True
        p = self.patterns
        heads = p.method_heads | p.model_heads | p.dataset_heads
        last = long_form.lower().split()[-1] if long_form else ""
        following = FOLLOWING_HEAD.match(text_after)
        return last in heads or bool(following and following.group(1) in heads)

    def _group(
        self,
        found: list[Found],
        local_keys: dict[str, tuple[str, Entry | None, Name]],
        vocab: Vocabulary,
        fields: dict[str, str],
    ) -> dict[str, Group]:
        groups: dict[str, Group] = {}
        for f in found:
            local = local_keys.get(norm(f.surface))
            if local is None and f.entry is None and PLURAL_ACRONYM.search(f.surface):
                # `MoE-MAEs` after `... Masked Autoencoder (MoE-MAE)`: the plural of a defined name
                singular = local_keys.get(norm(f.surface[:-1]))
                local = singular if singular and singular[0] not in (CLASS_WORD, OTHER_MEANING) else None
            if local and local[0] == CLASS_WORD:
                local = None
            entry = f.entry
            if local:
                key, entry, acronym = local
                f.name = f.name or acronym
                if f.name.long_form is None:
                    f.name.long_form = acronym.long_form
            elif entry is not None:
                key = entry.id
            else:
                key = new_key(f.surface)
            f.key, f.entry = key, entry
            node_type: NodeType | None
            if entry is not None:
                node_type, name = entry.type, entry.name
            else:
                node_type = f.name.type if f.name and f.name.type else None
                name = local[2].surface if local else f.surface
            family = None if entry is not None or local else _family(f.surface, vocab, f.name)
            if family is not None:
                node_type = family.type  # `ChatGLM2` is a version of the model family `ChatGLM`
            group = groups.get(key)
            if group is None:
                group = groups[key] = Group(key, node_type or NodeType.METHOD, name, entry)
                group.typed = node_type is not None
                if family is not None:
                    group.family = [family.id, *vocab.lineage(family)]
            if not group.typed:
                text = fields[f.field]
                long_form = f.name.long_form if f.name else None
                votes = group.votes
                own = self.names.own_type(f.surface, long_form)
                if own:
                    votes[own] = votes.get(own, 0) + 3
                after = self.names.context_type(text[f.end : f.end + 80])
                if after:
                    votes[after] = votes.get(after, 0) + 1
                if f.field == "title" and DATASET_WORD.search(text):
                    votes[NodeType.DATASET] = votes.get(NodeType.DATASET, 0) + 2
            group.aliases[f.surface] = None
            if f.name and f.name.long_form:
                group.aliases[f.name.long_form] = None
            if not f.surface.islower():  # a name, not a concept (`reasoning benchmark`)
                head = self.names.written_with(fields[f.field], f.end, new_name=f.entry is None)
                if head is not None:
                    group.aliases[f"{f.surface} {head}"] = None  # `ETD Dataset`, `DiffQKV attention`
            elif f.name is not None and f.name.class_word:
                group.aliases[f"{f.surface} {f.name.class_word}"] = None  # `symmetric clipping method`
        for group in groups.values():
            if not group.typed and group.votes:
                best = max(group.votes.values())
                group.type = next(t for t in TYPE_PRIORITY if group.votes.get(t, 0) == best)
        # in a paper that builds a dataset, its other new names with no type of their own are
        # usually its parts (`three subtasks: FinSM, FinRE and FinMR`)
        titled = [f for f in found if f.field == "title" and f.name and f.name.proposed]
        if titled and groups[titled[0].key].type == NodeType.DATASET:
            for group in groups.values():
                if not group.typed and not group.votes:
                    group.type = NodeType.DATASET
        for f in found:
            f.type = groups[f.key].type
        return groups

    def _assign_roles(
        self,
        groups: dict[str, Group],
        found: list[Found],
        fields: dict[str, str],
        sentence_spans: dict[str, list[tuple[int, int]]],
    ) -> None:
        proposed_bases: set[str] = set()
        title_key = norm(fields["title"])
        sentence_starts = {name: [a for a, _ in spans] for name, spans in sentence_spans.items()}
        sentence_texts: dict[tuple[str, int, int], str] = {}  # one string for all names of a sentence
        # the first new name a sentence proposes, and where the list it opens has got to
        sentence_proposal: dict[tuple[str, int, int], tuple[str, int]] = {}
        for f in found:
            group = groups[f.key]
            text = fields[f.field]
            spans = sentence_spans[f.field]
            i = bisect_right(sentence_starts[f.field], f.start) - 1
            s0, s1 = spans[i] if i >= 0 and f.start < spans[i][1] else (0, len(text))
            place = (f.field, s0, s1)
            sentence = sentence_texts.get(place)
            if sentence is None:
                sentence = sentence_texts[place] = text[s0:s1]
            is_new = group.entry is None
            before = text[s0 : f.start]
            # whether the sentence proposes the name matters only for a new name, or for a known one
            # that opens the title (see `role_of_mention` and `_marks_own_work`): the cue search is
            # the costly part, so it is left out for the others
            proposal = used_here = False
            if is_new or title_key.startswith(norm(f.surface)):
                used_here = bool(USED_BEFORE.search(before[-USED_REACH:]))
                proposal = bool(
                    (f.name and f.name.proposed)
                    or (is_new and OUR.search(text[max(0, f.start - 8) : f.start]))
                    or (f.name and f.name.size_of and norm(f.name.size_of) in proposed_bases)
                    or (is_new and is_proposed_object(before))
                )
                # A sentence's proposal cue must come before the name: `we propose X`, not `X ...
                # which we build on`; and not `we propose X, a method using Y`. Where a model decides,
                # the cue proposes the sentence's first new name and the list it opens (`three
                # components: A, B, and C`), and leaves a later name to the model (`We propose X;
                # unlike Y, ...`). 5-fold CV on three splits: proposes +0.004 / +0.004 / +0.003,
                # compares_with +0.005 / +0.002 / +0.007, core +0.001 / +0.000 / +0.001.
                if not proposal and not used_here and self.roles.is_proposal_sentence(text[s0 : f.end]):
                    proposal = not (self.phrases and is_new) or _goes_on(
                        sentence_proposal.get(place), f, text
                    )
                # a phrase does not open a list of names
                if (
                    proposal
                    and is_new
                    and not f.surface.islower()
                    and _goes_on(sentence_proposal.get(place), f, text)
                ):
                    sentence_proposal[place] = (f.key, f.end)
            defined = bool(f.name and f.name.long_form)
            # `Multi-Matrix Factorization Attention (MFA)` names a thing; a lowercase expansion
            # (`artificial intelligence-generated content (AIGC)`) usually names a concept
            long_form = f.name.long_form if f.name and f.name.long_form else ""
            named_here = defined and sum(w[:1].isupper() for w in long_form.split()) >= 2
            role = self.roles.role_of_mention(group.type, sentence, f.start - s0, is_new, proposal)
            if _marks_own_work(
                group, f, before, proposal, defined, named_here, title_key, role, used_here, self.phrases
            ):
                role = Role.PROPOSES
            if role == Role.PROPOSES:
                proposed_bases.add(norm(group.name))
                proposed_bases.update(norm(a) for a in group.aliases)
            if f.field == "title":
                group.in_title = True
            elif group.first_role is None:
                group.first_role = role
            group.roles.add(role)
            group.spans.append(MentionSpan(f.field, f.start, f.end, sentence, s0))
            group.places.append((f.field, f.start, f.end))
