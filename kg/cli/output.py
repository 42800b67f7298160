"""One printer for the rows a command prints: a table, JSON (`--json`) or CSV (`--csv`).

Strings from papers are data: every table cell and title is a rich `Text`, never read as markup.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from collections.abc import Sequence
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from kg.cli.common import PipedConsole, err, out

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
CsvOpt = Annotated[bool, typer.Option("--csv", help="Print CSV.")]


def print_json(data: Any) -> None:
    """`data` as indented JSON on stdout, with non-ASCII characters as they are."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=1) + "\n")


LONG_TEXT = 44  # table columns wider than this (titles, sentences) are cut to it


def print_rows(
    rows: Sequence[dict[str, Any]],
    title: str,
    as_json: bool = False,
    as_csv: bool = False,
    columns: Sequence[str] | None = None,
    limit: int | None = None,
    counted: str | None = None,
) -> None:
    """`rows` as JSON, as CSV, or as a table titled `TITLE (N)`.

    `columns` defaults to the keys of the first row. Lists are joined with `; ` in tables and CSV;
    `limit` caps the rows of a table (JSON and CSV get them all); `counted` says what N counts
    where a row is not one thing (`6 papers, 9 rows`).
    """
    if as_json:
        print_json(list(rows))
        return
    columns = list(columns if columns is not None else rows[0] if rows else [])
    flat = [{c: _flat(row.get(c)) for c in columns} for row in rows]
    if as_csv:
        if columns:  # with no row and no columns named, there is no header to write
            writer = csv.DictWriter(sys.stdout, fieldnames=columns)
            writer.writeheader()
            writer.writerows(flat)
        return
    if not rows:  # an empty table would print nothing at all
        err.print(f"{title}: none found", markup=False, highlight=False, soft_wrap=True)
        return
    count = counted or f"{len(rows)}"
    if limit is not None and len(rows) > limit:
        count += f", the first {limit} shown"
    table = Table(title=Text(f"{title} ({count})"))
    shown = flat[:limit]
    width = {c: max([len(c), *(len(str(row[c] or "")) for row in shown)]) for c in columns}
    # a column empty in every row says nothing in a table; the short columns (roles, numbers,
    # names, ids) come first, so that none stands after a cut sentence
    columns = [c for c in columns if any(row[c] not in (None, "") for row in shown)]
    columns.sort(key=lambda c: width[c] > LONG_TEXT)
    # piped or redirected (no terminal, no $COLUMNS): every cell whole, at the table's own width,
    # rather than cut to the 80 columns rich assumes
    whole = not out.is_terminal and "COLUMNS" not in os.environ
    for c in columns:
        # one line a row: long text (titles, sentences) is cut with an ellipsis, short values
        # are never squeezed out; --json and --csv give every column, whole
        if whole:
            table.add_column(Text(c), no_wrap=True)
        elif width[c] > LONG_TEXT:  # shares what the short columns leave of the terminal's width
            table.expand = True
            table.add_column(Text(c), overflow="ellipsis", no_wrap=True, ratio=1, min_width=12)
        else:
            table.add_column(Text(c), overflow="fold")
    for row in shown:
        table.add_row(*(Text("" if row[c] is None else str(row[c])) for c in columns))
    if whole:  # each column as wide as its widest cell, with a space either side and its rule
        natural = sum(width[c] for c in columns) + 3 * len(columns) + 1
        PipedConsole(file=out.file, width=max(natural, len(str(table.title or "")) + 8)).print(table)
    else:
        out.print(table)


def _flat(value: Any) -> Any:
    return "; ".join(map(str, value)) if isinstance(value, list) else value
