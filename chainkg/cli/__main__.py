"""``python -m chainkg.cli`` runs the ``chainkg`` command."""

from chainkg.cli import main

main()
