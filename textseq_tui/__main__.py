"""``python -m textseq_tui`` is the ``textseq`` command."""

from textseq_tui.cli import main

main()
