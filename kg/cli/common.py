"""What every `kg` command shares: the two consoles, the graph argument, and the one place where
errors become a line on stderr and an exit code."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperGroup

from kg.config import DataPaths
from kg.errors import KgError

CLOSED_PIPE = 141  # 128 + SIGPIPE: what a shell reports for a command whose reader went away


def _stdout_gone() -> None:
    """The reader of stdout went away: point stdout at /dev/null, so that nothing is left to
    fail at exit when Python flushes it."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


class PipedConsole(Console):
    """A console whose reader may go away (`kg query ... | head`): then the exit code is
    `CLOSED_PIPE`, where rich's own would be 1, the code of a bug in kg."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        _stdout_gone()
        raise SystemExit(CLOSED_PIPE)


out = PipedConsole()  # results: tables, JSON, CSV
err = Console(stderr=True)  # progress, summaries, warnings, errors

GraphArg = Annotated[
    Path, typer.Argument(help="A graph.json written by `kg build`, or its folder.", show_default=False)
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or summary.")]

# typer bundles its own copy of click, so `import click` would name other classes: reach click's
# base exception through one that typer exports.
_CLICK_ERROR = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")


PATHS_KEY = "kg.data_paths"


def data_paths(ctx: typer.Context) -> DataPaths:
    """The data files this run reads: `DataPaths.from_env()`, read once by the `kg` callback."""
    meta = ctx.meta  # shared by every context of one command line
    if PATHS_KEY not in meta:  # a command invoked without the app's callback (tests of one command)
        meta[PATHS_KEY] = DataPaths.from_env()
    return meta[PATHS_KEY]


def human_size(size: float) -> str:
    for unit in ("B", "kB", "MB"):
        if size < 1000:
            return f"{size:,.0f} {unit}" if unit == "B" else f"{size:,.1f} {unit}"
        size /= 1000
    return f"{size:,.1f} GB"


def said_written(path: Path) -> None:
    """Tell the user what a command wrote: `wrote PATH (SIZE)` on stderr."""
    size = (
        sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
        if path.is_dir()
        else path.stat().st_size
    )
    err.print(f"wrote {path} ({human_size(size)})", markup=False, highlight=False, soft_wrap=True)


def fail(message: str, code: int = 2) -> NoReturn:
    """Print `error: MESSAGE` on stderr, as one line that markup in the message cannot change, and exit."""
    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False, markup=True, soft_wrap=True)
    raise typer.Exit(code)


def _for_click(e: Exception) -> bool:
    """An exception click turns into its own message and exit code (usage errors, Exit, Abort)."""
    return isinstance(e, _CLICK_ERROR | typer.Exit | typer.Abort)


class KgGroup(TyperGroup):
    """The `kg` command group: every command runs inside its `invoke`, which is where a `KgError`
    (bad input, bad options, a server that failed) becomes `error: MESSAGE` and exit code 2.

    Any other exception is a bug: one line and exit code 1, or its full traceback with
    `kg --debug` (the root callback's `debug` parameter).
    """

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except KgError as e:
            fail(str(e))
        except BrokenPipeError:
            # written past the consoles (`print_json`), as `PipedConsole.on_broken_pipe` does
            _stdout_gone()
            raise typer.Exit(CLOSED_PIPE) from None
        except Exception as e:
            if _for_click(e) or ctx.params.get("debug"):
                raise
            text = " ".join(str(e).split())
            what = f"{type(e).__name__}: {text}" if text else type(e).__name__
            fail(f"internal error: {what} (run with --debug for the traceback)", code=1)
