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
import types

import xlwings as xw

from remanxl.functions import REGISTRY


def _decorated(entry):
    # A copy of the function object, not a wrapper that calls it: xlwings marks the function it decorates,
    # and a scalar call pays no extra Python frame (a tenth of its time).
    f = entry.func
    udf = types.FunctionType(f.__code__, f.__globals__, entry.name, f.__defaults__, f.__closure__)
    udf = functools.update_wrapper(udf, f)
    udf.__wrapped__ = getattr(f, "__wrapped__", f)  # the signature xlwings reads is the body's
    udf.__name__ = udf.__qualname__ = entry.name
    udf.__doc__ = entry.help  # the Function Wizard description (≤ 255 characters)
    for arg in reversed(entry.args):
        options = {"ndim": 2} if arg.takes_range else {}
        udf = xw.arg(arg.name, doc=arg.help, **options)(udf)
    return xw.func(category=entry.category, volatile=entry.volatile)(udf)


for _name, _entry in REGISTRY.items():
    globals()[_name] = _decorated(_entry)

__all__ = list(REGISTRY)
