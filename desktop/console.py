"""What a command prints, and the exit statuses it ends with: one place for the command
line's modules."""

from __future__ import annotations

import sys

EXIT_OK, EXIT_REJECTED, EXIT_USAGE = 0, 1, 2


def out(text: str) -> None:
    sys.stdout.write(text + "\n")


def err(text: str) -> None:
    sys.stderr.write(text + "\n")
