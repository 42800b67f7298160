"""Every reader fuzzed: whatever the bytes, `read_records` yields `Paper`s and `Skipped`s or raises
one `InputError` naming the file on one line. Never a traceback, never another exception type."""

from __future__ import annotations

import gzip
import itertools
import json
import re
import time
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, currently_in_test_context, event, given, settings
from hypothesis import strategies as st

from kg.errors import InputError
from kg.schema import Paper
from kg.sources import READERS, Skipped, read_records

FORMATS = [None, *READERS]  # None: the format is detected from the content
SETTINGS = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
DEEP = "[" * 100_000 + "]" * 100_000
HUGE = "word " * 40_000  # a 200k-character field, over MAX_ABSTRACT_CHARS
BIG = "BIG-NUMBER"  # written out as a 5001-digit number, past what Python converts to int by default
ISO_DATE = re.compile(r"([0-9]{4}|-)-[0-9]{2}-[0-9]{2}")  # `--09-10`: a day without a year
_names = itertools.count()


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def write(folder: Path, data: bytes, suffix: str) -> Path:
    path = folder / f"input{next(_names)}{suffix}"
    path.write_bytes(gzip.compress(data) if suffix.endswith(".gz") else data)
    return path


def note(outcome: str) -> None:
    """Tally what the inputs led to (`--hypothesis-show-statistics`), to see the fuzzing reach papers."""
    if currently_in_test_context():
        event(outcome)


def one_line(text: str) -> bool:
    return bool(text) and len(text.splitlines()) == 1


def check(path: Path, fmt: str | None) -> list[Paper | Skipped] | None:
    """The property every reader keeps: the items it yields, or None when it refused the file."""
    try:
        items = list(read_records([path], fmt))
    except InputError as e:
        message = str(e)
        assert message.startswith(str(path)), message
        assert one_line(message), message
        note("file refused")
        return None
    for item in items:
        assert isinstance(item, Paper | Skipped), item
        if isinstance(item, Paper):
            assert one_line(item.title) and one_line(item.abstract), item
            assert one_line(item.id), item
            assert all(one_line(name) for name in item.authors), item
            assert item.published is None or ISO_DATE.fullmatch(item.published), item
            assert item.listing_date is None or ISO_DATE.fullmatch(item.listing_date), item
        else:
            assert item.path == str(path)
            assert one_line(item.reason), item
    note(f"papers: {min(sum(isinstance(i, Paper) for i in items), 2)}, items: {min(len(items), 2)}")
    return items


# Field values of every type and shape, the troublesome ones on purpose.
scalar = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", " ", "\ud800", "a\ud800b", "\r\n", "\t\u2028\x85", "2401.00001", "2024-02-30"]),
    st.integers(),
    st.sampled_from([BIG, 2401.10010, float("nan"), float("inf")]),
    st.booleans(),
    st.none(),
)
value = st.recursive(
    scalar,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)
FIELDS = [
    "id",
    "arxiv_id",
    "title",
    "abstract",
    "summary",
    "authors",
    "published",
    "publishedAt",
    "url",
    "abs",
    "code_url",
    "listing_date",
]
plain = st.text(min_size=1, max_size=40).filter(str.strip)
good_record = st.fixed_dictionaries(
    {
        "id": st.sampled_from(["2401.00001", "2401.00002", "hep-th/9901001", "slug"]),
        "title": plain,
        "abstract": plain,
    },
    optional={
        "authors": st.lists(st.one_of(plain, st.fixed_dictionaries({"name": plain})), max_size=3),
        "published": st.sampled_from(["2024-01-02", "2024-02-30T00:00:00Z", "yesterday"]),
        "url": st.just("https://example.org/paper"),
    },
)
wild_record = st.one_of(
    good_record,
    st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), value, max_size=8),
    st.builds(
        lambda r, k, v: {**r, k: v}, good_record, st.sampled_from(FIELDS), value | st.sampled_from([HUGE, ""])
    ),
    value,
)


def dumps(value, ascii_only: bool) -> bytes:
    # ensure_ascii writes a lone surrogate as the escape `\ud800`; without it, as raw (invalid) UTF-8
    data = json.dumps(value, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")
    return data.replace(b'"BIG-NUMBER"', b"1" + b"0" * 5000).replace(b"'BIG-NUMBER'", b"1" + b"0" * 5000)


@st.composite
def document(draw, fmt: str) -> bytes:
    """A well-formed file of the format, from records that may be anything."""
    records = draw(st.lists(wild_record, max_size=5))
    ascii_only = draw(st.booleans())
    if fmt == "jsonl":
        lines = [dumps(r, ascii_only) for r in records]
        return b"".join(line + draw(st.sampled_from([b"\n", b"\r\n", b"\n\n"])) for line in lines)
    if fmt == "json-array":
        return dumps(records, ascii_only)
    if fmt == "hf-api":
        items = [
            draw(
                st.sampled_from(
                    [{"paper": r, "title": r.get("title")} if isinstance(r, dict) else r, repr(r), r]
                )
            )
            for r in records
        ]
        wrapped = draw(
            st.sampled_from([items, {"status": "success", "date": "2024-01-01", "data": items}, 1])
        )
        return dumps(wrapped, ascii_only)
    if fmt == "arxiv-atom":
        entries = "".join(
            "<entry>"
            + "".join(
                f"<{tag}>{escape(str(r.get(key)))}</{tag}>"
                for tag, key in [("id", "id"), ("title", "title"), ("summary", "abstract")]
                if key in r
            )
            + "<author><name>A</name></author><link rel='alternate' href='u'/></entry>"
            for r in records
            if isinstance(r, dict)
        )
        return f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">{entries}</feed>'.encode(
            "utf-8", "surrogatepass"
        )
    assert fmt == "daily-page"
    blocks = [str(r.get("title") if isinstance(r, dict) else r) for r in records for _ in (0, 1)]
    # listing days of every shape, among them a real one in Arabic-Indic digits
    day = draw(
        st.sampled_from(
            [
                "Sep 10",
                "Feb 29",
                "Feb 30, 2024",
                "Sept. 1, 2025",
                "Sep \u0661\u0660, \u0662\u0660\u0662\u0665",
            ]
        )
    )
    return (f"Daily Papers\n\n{day}\n\n" + "\n\n".join(blocks)).encode("utf-8", "surrogatepass")


@st.composite
def mutated(draw, data: bytes) -> bytes:
    """The document, damaged the ways real files are."""
    for _ in range(draw(st.integers(0, 2))):
        kind = draw(
            st.sampled_from(
                ["truncate", "flip", "insert", "unclose", "bom", "crlf", "utf16", "latin1", "none"]
            )
        )
        at = draw(st.integers(0, len(data)))
        if kind == "truncate":
            data = data[:at]
        elif kind == "flip" and data:
            at = min(at, len(data) - 1)
            data = data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1 :]
        elif kind == "insert":
            data = (
                data[:at]
                + draw(
                    st.binary(min_size=1, max_size=8) | st.sampled_from([b"\\ud800", b"\xff", b"\r", b"\x00"])
                )
                + data[at:]
            )
        elif kind == "unclose":
            cut = max(data.rfind(b"]"), data.rfind(b"}"), data.rfind(b">"))
            data = data[:cut] + data[cut + 1 :] if cut >= 0 else data
        elif kind == "bom":
            data = b"\xef\xbb\xbf" + data
        elif kind == "crlf":
            data = data.replace(b"\n", b"\r\n")
        elif kind == "utf16":
            data = data.decode("utf-8", "replace").encode(
                draw(st.sampled_from(["utf-16", "utf-16-le", "utf-32"]))
            )
        elif kind == "latin1":
            data = data.decode("utf-8", "replace").encode("latin-1", "replace")
    return data


SOURCES = ["jsonl", "json-array", "hf-api", "arxiv-atom", "daily-page"]
SUFFIX = {
    "jsonl": ".jsonl",
    "json-array": ".json",
    "hf-api": ".json",
    "arxiv-atom": ".xml",
    "daily-page": ".txt",
}


@pytest.mark.parametrize("fmt", FORMATS)
@SETTINGS
@given(
    data=st.binary(max_size=300)
    | st.sampled_from([b"", b"\xef\xbb\xbf", b"\x1f\x8b", DEEP.encode(), b"Sep 10\n\n"])
)
def test_random_bytes(folder, fmt, data):
    check(write(folder, data, ".bin"), fmt)


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("forced", [False, True])
@SETTINGS
@given(data=st.data())
def test_mutated_documents(folder, source, forced, data):
    raw = data.draw(mutated(data.draw(document(source))))
    fmt = ("jsonl" if source == "json-array" else source) if forced else None
    check(write(folder, raw, SUFFIX[source]), fmt)


@pytest.mark.parametrize("fmt", [None, "jsonl"])
@SETTINGS
@given(data=st.data())
def test_gzipped_jsonl_whole_and_cut_off(folder, fmt, data):
    raw = data.draw(mutated(data.draw(document("jsonl"))))
    packed = gzip.compress(raw)
    cut = data.draw(st.integers(0, len(packed)))
    path = folder / f"input{next(_names)}.jsonl.gz"
    path.write_bytes(packed[:cut])
    check(path, fmt)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "text",
    [
        DEEP,
        "[" * 100_000,
        '{"status": "success", "date": "x", "data": ["' + "[" * 50_000 + '"]}',
        '[{"paper": {"title": "t", "summary": "a", "id": "' + "a-" * 100_000 + '"}}]',
        '<feed xmlns="http://www.w3.org/2005/Atom">' + "<a>" * 100_000 + "</a>" * 100_000 + "</feed>",
        "Sep 10\n\n" + "t" * 200_000 + "\n\n" + HUGE,
        '<!DOCTYPE feed [<!ENTITY a0 "aaaaaaaaaa">'
        + "".join(f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10))
        + ']><feed xmlns="http://www.w3.org/2005/Atom"><entry><title>&a9;</title></entry></feed>',
    ],
    ids=["deep-json", "deep-unclosed", "deep-repr", "huge-id", "deep-xml", "huge-page", "billion-laughs"],
)
def test_extreme_documents(folder, fmt, text):
    check(write(folder, text.encode(), ".data"), fmt)


# A line of each kind a JSON Lines reader must skip, one `Skipped` each.
bad_line = st.one_of(
    st.builds(lambda r, n: dumps(r, True)[:n], good_record, st.integers(1, 20)),  # cut off
    st.builds(lambda r: dumps(r, False).replace(b'"title"', b"\xff\xfe"), good_record),  # not UTF-8
    st.builds(lambda r: dumps({**r, "title": ""}, True), good_record),
    st.builds(lambda r: dumps({**r, "abstract": " \t "}, True), good_record),
    st.builds(lambda r: dumps({k: v for k, v in r.items() if k != "abstract"}, True), good_record),
    st.builds(lambda r: dumps({**r, "abstract": HUGE}, True), good_record),
    st.builds(
        lambda r, v: dumps({**r, "title": v}, True), good_record, st.sampled_from([[], {}, None, True, [1]])
    ),
    st.builds(
        lambda r: dumps(r, True)[:-1] + b", 1" + b"0" * 5000 + b"}", good_record
    ),  # a 5001-digit number
    st.sampled_from(
        [
            b"[1, 2]",
            b"null",
            b"42",
            b'"text"',
            b"{",
            b"}",
            DEEP.encode(),
            b"{'title': 'python'}",
            b"\xff\xfe{\x00",
        ]
    ),
)


@pytest.mark.parametrize("fmt", [None, "jsonl"])
@pytest.mark.parametrize("gz", [False, True])
@SETTINGS
@given(
    first=good_record,
    lines=st.lists(st.tuples(st.booleans(), good_record, bad_line), max_size=12),
    newline=st.sampled_from([b"\n", b"\r\n"]),
    bom=st.booleans(),
)
def test_jsonl_bad_lines_are_skipped_good_ones_kept(folder, fmt, gz, first, lines, newline, bom):
    # the first line is good: a file starting with `[` is a JSON array, and detection needs a record
    records = [first] + [good for is_good, good, _ in lines if is_good]
    body = [dumps(first, False)] + [dumps(good, False) if is_good else bad for is_good, good, bad in lines]
    data = (b"\xef\xbb\xbf" if bom else b"") + newline.join(body) + newline
    items = check(write(folder, data, ".jsonl.gz" if gz else ".jsonl"), fmt)
    assert items is not None
    assert [p.id for p in items if isinstance(p, Paper)] == [r["id"] for r in records]
    assert sum(isinstance(s, Skipped) for s in items) == len(lines) + 1 - len(records)


# What the fuzzing found, each as the smallest input that showed it.
GOOD = b'{"id": "2401.00001", "title": "T", "abstract": "A."}\n'


def kinds(items: list[Paper | Skipped] | None) -> list[str]:
    return [f"skipped:{i.line}" if isinstance(i, Skipped) else "paper" for i in items or []]


def test_a_number_too_long_to_convert_is_invalid_json_not_a_valueerror(folder):
    number = b"1" + b"0" * 5000  # json.loads raised ValueError, past int's 4,300-digit limit
    items = check(
        write(folder, b'{"title": "T", "abstract": "A.", "n": ' + number + b"}\n" + GOOD, ".jsonl"), None
    )
    assert kinds(items) == ["skipped:1", "paper"]
    assert items[0].reason == "invalid JSON (a number too long to convert)"
    for fmt, data in [(None, b"[" + number + b"]"), ("hf-api", b'{"data": [' + number + b"]}")]:
        with pytest.raises(InputError, match="number too long"):
            list(read_records([write(folder, data, ".json")], fmt))


def test_a_null_line_is_skipped_not_taken_for_a_blank_one(folder):
    assert kinds(check(write(folder, GOOD + b"null\n\n" + GOOD, ".jsonl"), "jsonl")) == [
        "paper",
        "skipped:2",
        "paper",
    ]


def test_a_huge_id_takes_linear_time(folder):
    # searching `a-a-a-...` for an arXiv id backtracked quadratically: minutes for 200k characters
    record = {"id": "a-" * 100_000, "title": "T", "abstract": "A.", "url": "b-" * 100_000}
    started = time.monotonic()
    [paper] = check(write(folder, json.dumps(record).encode(), ".jsonl"), None)
    assert paper.id == record["id"]
    assert time.monotonic() - started < 5


def test_a_damaged_gz_of_a_whole_document_is_an_input_error(folder):
    packed = bytearray(gzip.compress(b'[{"paper": {"title": "T", "summary": "A."}}]' * 50))
    packed[30:60] = bytes(b ^ 0x55 for b in packed[30:60])  # zlib.error escaped, from detection too
    path = folder / "damaged.json.gz"
    path.write_bytes(packed)
    for fmt in (None, "hf-api"):
        with pytest.raises(InputError, match="cannot read: Error -3"):
            list(read_records([path], fmt))


def test_a_bad_byte_near_the_start_skips_its_line_when_the_format_is_detected(folder):
    # detection decoded the head strictly, refusing the whole file for one bad line
    assert kinds(check(write(folder, GOOD + b"\xff\n" + GOOD, ".jsonl"), None)) == [
        "paper",
        "skipped:2",
        "paper",
    ]


def test_a_small_cut_off_gz_keeps_what_came_before_when_the_format_is_detected(folder):
    path = folder / "cut.jsonl.gz"
    path.write_bytes(gzip.compress(GOOD * 3)[:-8])  # no trailer: detection refused the whole file
    items = check(path, None)
    assert kinds(items) == ["paper"] * 3 + ["skipped:4"]
    assert items[-1].reason.startswith("file ends early")


def test_authors_that_are_not_names_are_dropped_not_kept_empty(folder):
    record = {"title": "T", "abstract": "A.", "authors": [[], {"name": " "}, {"name": ["x"]}, "", "Ada  L."]}
    [paper] = check(write(folder, json.dumps(record).encode(), ".jsonl"), None)
    assert paper.authors == ["Ada L."]


def test_not_utf8_in_a_whole_document_names_its_line(folder):
    # decoded by buffers, the error gave a byte offset within one buffer, not within the file
    page = b"Sep 10\n\n" + b"Title\n\nAbstract.\n\n" * 3000 + b"T\xff\n\nA.\n"
    with pytest.raises(InputError) as e:
        list(read_records([write(folder, page, ".txt")], None))
    assert str(e.value).endswith(".txt:12003: not UTF-8 text (invalid start byte, column 2)")


def test_a_day_in_other_digits_is_no_date_line(folder):
    # `\d` took Arabic-Indic digits: `Sep ١٠, ٢٠٢٥` gave the listing date `٢٠٢٥-09-10`
    with pytest.raises(InputError, match="no date line"):
        list(read_records([write(folder, "Sep ١٠, ٢٠٢٥\n\nT\n\nA.\n".encode(), ".txt")], "daily-page"))
