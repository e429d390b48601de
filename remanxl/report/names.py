"""Human names for the codes an evaluation uses, as the report's :class:`~remanxl.report.cells.Text`.

The names themselves live in :mod:`remanxl.sheet.names` (the Summary sheet uses the same ones).
"""
from __future__ import annotations

from remanxl.sheet import names as _names
from remanxl.report.cells import Text


def _text(name) -> Text:
    en = str.__str__(name)
    return Text(en, name.zh if name.zh != en else "")


def energy(key: str) -> Text:
    return _text(_names.energy(key))


def ghg_source(key: str) -> Text:
    return _text(_names.ghg_source(key))


def pollutant(key: str) -> Text:
    return _text(_names.pollutant(key))


def code(group: str, key: str) -> Text:
    return _text(_names.code(group, key))


def factor_table(name: str) -> Text:
    return _text(_names.factor_table(name))


def factor_entry(table: str, key: str) -> Text:
    return _text(_names.factor_entry(table, key))


def input_table(name: str) -> Text:
    return _text(_names.input_table(name))
