"""The ``chainkg`` command. Each module registers its commands on the shared Typer app."""

from __future__ import annotations

from chainkg.cli import data, news, pipeline, policy, queries, safety, viz
from chainkg.cli.common import app

__all__ = ["app", "main"]

_COMMAND_MODULES = (data, news, queries, safety, viz, pipeline, policy)  # imported for their @app.command registrations


def main() -> None:
    app()
