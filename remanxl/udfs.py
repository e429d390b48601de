"""The xlwings UDF module: ``=REMAN_SW(CWR, CWM)`` and the other ``REMAN_*`` functions.

Every function is declared once in :mod:`remanxl.functions.registry`; this
module only applies the xlwings decorators from that registry.  The add-in's
VBA wrappers call ``XLPy.CallUDF("remanxl.udfs", "REMAN_SW", …)``, which finds
the functions below by name.

On Linux (no Excel) the xlwings decorators do nothing, so the functions are
plain Python and can be called directly::

    >>> from remanxl import udfs
    >>> udfs.REMAN_SW(1200, 6500)
    0.815384615384615
"""
from __future__ import annotations

import functools

import xlwings as xw

from remanxl.functions import REGISTRY


def _decorated(entry):
    @functools.wraps(entry.func)
    def udf(*args):
        return entry.func(*args)

    udf.__name__ = udf.__qualname__ = entry.name
    udf.__doc__ = entry.help  # the Function Wizard description (≤ 255 characters)
    for arg in reversed(entry.args):
        options = {"ndim": 2} if arg.takes_range else {}
        udf = xw.arg(arg.name, doc=arg.help, **options)(udf)
    return xw.func(category=entry.category, volatile=entry.volatile)(udf)


for _name, _entry in REGISTRY.items():
    globals()[_name] = _decorated(_entry)

__all__ = list(REGISTRY)
