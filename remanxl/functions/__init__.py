"""Spreadsheet functions: the ``REMAN_*`` catalogue and its implementations.

:mod:`remanxl.functions.registry` describes every function once (name, arguments,
help in English and Chinese, category).  :mod:`remanxl.functions.library` holds
their bodies, written against plain Python values as a spreadsheet passes them
(numbers, text, ``None`` for an empty cell, lists of lists for a range), so they
run the same under xlwings, under the LibreOffice test harness and in a test.
"""
from remanxl.functions.library import REGISTRY  # noqa: F401  (importing the library fills the registry)
