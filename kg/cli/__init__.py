"""The `kg` command line; `app` is the console script."""

from kg.cli.main import app

__all__ = ["app"]
