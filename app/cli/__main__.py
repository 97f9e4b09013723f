"""``python -m app.cli`` runs the ``chainkg`` command."""

from app.cli import main

main()
