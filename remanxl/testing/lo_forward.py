"""Python end of the Basic shims: LibreOffice runs this module, not the test process.

:mod:`remanxl.testing.lo_profile` copies it into the throw-away profile as
``Scripts/python/remanxl_forward.py``.  Every generated Basic shim calls
:func:`call` through the scripting framework with the function's name, a
mask of which arguments the formula gave and the argument values.  The
module is imported by LibreOffice's embedded Python (Debian's python3); the
repository root is on its ``PYTHONPATH``, so it imports the real registry.

Nothing may escape from :func:`call`: an exception raised into LibreOffice
silently gives 0 in the cell and leaves soffice hanging at exit.
"""
import math

# Scripts are looked up by name; nothing needs to show in LibreOffice's macro dialogs.
g_exportedScripts = ()

_registry = None


def _load():
    global _registry
    if _registry is None:
        from remanxl.functions import REGISTRY

        _registry = REGISTRY
    return _registry


def _value_in(v):
    """A cell value as the registry expects it: an empty cell ("" or void) is None."""
    if v is None or v == "":
        return None
    if isinstance(v, bool):
        return float(v)
    if isinstance(v, int):
        return float(v)  # Basic hands over whole numbers as Integer/Long
    return v


def _arg_in(v):
    """A range arrives as tuples of tuples (rows): make it lists of lists."""
    if isinstance(v, tuple):
        return [[_value_in(x) for x in row] if isinstance(row, tuple) else _value_in(row) for row in v]
    return _value_in(v)


def _value_out(v):
    if v is None:
        return ""
    if isinstance(v, bool):
        return 1.0 if v else 0.0
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, str):
        return v
    return str(v)


def _result_out(r):
    """A scalar, or a rectangular tuple of tuples for an array (rows padded with "")."""
    if isinstance(r, (list, tuple)):
        rows = [list(x) if isinstance(x, (list, tuple)) else [x] for x in r] or [[""]]
        width = max(len(x) for x in rows) or 1
        return tuple(tuple(_value_out(v) for v in x) + ("",) * (width - len(x)) for x in rows)
    return _value_out(r)


def _arguments(udf, mask, args):
    """Positional arguments for ``udf.func``; an error text if a required one is missing."""
    given = [m == "1" for m in mask]
    values = [_arg_in(a) if g else None for g, a in zip(given, args)]
    fixed = [a for a in udf.args if not a.varargs]
    if udf.max_args is None:  # the varargs tail: pass only the arguments the formula gave
        head = values[: len(fixed)]
        tail = [v for g, v in zip(given[len(fixed):], values[len(fixed):]) if g]
        values, given = head + tail, given[: len(fixed)] + [True] * len(tail)
    for arg, g in zip(fixed, given):
        if not g and not arg.optional:
            return f"#VALUE! {udf.name}: missing argument {arg.name}"
    n = len(given)
    while n and not given[n - 1]:
        n -= 1  # trailing omitted arguments: let the Python defaults apply
    return values[:n]


def call(name, mask, args):
    """Run ``REGISTRY[name].func`` on the shim's arguments; always returns a value."""
    try:
        udf = _load().get(name)
        if udf is None:
            return f"#NAME? {name} is not in remanxl's registry"
        values = _arguments(udf, mask, args)
        if isinstance(values, str):
            return values
        return _result_out(udf.func(*values))
    except BaseException as exc:  # noqa: BLE001 - see the module docstring
        try:
            return f"#VALUE! {name}: {type(exc).__name__}: {exc}"[:250]
        except BaseException:  # noqa: BLE001
            return math.nan


def probe():
    """Startup check of the harness: can LibreOffice's Python import the registry?"""
    try:
        import sys

        return f"ok: {len(_load())} functions, Python {sys.version.split()[0]}"
    except BaseException as exc:  # noqa: BLE001
        return f"failed: {type(exc).__name__}: {exc}"
