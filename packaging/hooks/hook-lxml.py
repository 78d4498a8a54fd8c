"""Replaces pyinstaller-hooks-contrib's hook for lxml, which takes every submodule
(objectify, html, isoschematron: 5 MB). citeproc-py uses lxml.etree alone, and
lxml.etree's own hook brings what that imports."""

hiddenimports: list[str] = []
