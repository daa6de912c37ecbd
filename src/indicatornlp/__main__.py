"""``python -m indicatornlp`` runs the command-line interface."""

from .cli import main

main()
