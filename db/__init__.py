"""Papershelf's library: storage, search and formats, with no Qt.

The GUI, the CLI, the tests and the benchmarks all go through :class:`db.library.Library`.
"""

from __future__ import annotations

__version__ = "0.1.0"
