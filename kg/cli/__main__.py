"""`python -m kg.cli ...`: the `kg` command."""

from kg.cli import app

if __name__ == "__main__":  # not when a worker process started with spawn imports this module
    app()
