"""Papershelf's desktop application and command line, over the ``db`` library."""
