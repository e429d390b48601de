"""remanxl: GB/T 41350-2022 remanufacturing energy-saving and emission-reduction
indicators for Excel users.

The public Python API::

    >>> import remanxl
    >>> remanxl.indicators.water_conservation_rate(1200, 6500)   # doctest: +ELLIPSIS
    0.8153846...
    >>> ev = remanxl.evaluate(remanxl.load_example())
    >>> round(ev["SW"].value, 4)                                   # doctest: +SKIP
"""
__version__ = "0.1.0"

#: Version of remanxl's reading of the standard. Bumped whenever a formula,
#: default setting or aggregation rule changes, so that two results can be
#: compared knowing whether the method behind them was the same.
METHOD_VERSION = "GB/T 41350-2022, remanxl method 1"

#: Public names and the modules that define them.  They are imported on first use
#: (PEP 562), so ``remanxl evaluate`` can start reading a workbook before the
#: method core has finished loading, and ``import remanxl`` stays cheap.
_LAZY = {
    "indicators": "remanxl.method.indicators",  # the module itself
    "InputError": "remanxl.method.errors", "Problem": "remanxl.method.errors",
    "RemanxlError": "remanxl.method.errors", "UndefinedRateError": "remanxl.method.errors",
    "Evaluation": "remanxl.method.evaluate", "evaluate": "remanxl.method.evaluate",
    "FactorSet": "remanxl.method.factors", "default_factors": "remanxl.method.factors",
    "EvaluationInput": "remanxl.method.inputs", "load_example": "remanxl.method.inputs",
    "Settings": "remanxl.method.settings",
    "read_workbook": "remanxl.workbook.frames",
}

__all__ = [
    "__version__", "METHOD_VERSION", "indicators", "evaluate", "Evaluation", "EvaluationInput",
    "FactorSet", "default_factors", "Settings", "InputError", "Problem", "RemanxlError",
    "UndefinedRateError", "load_example", "read_workbook",
]


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        module = importlib.import_module(_LAZY[name])
        value = module if name == "indicators" else getattr(module, name)
        globals()[name] = value  # later look-ups are plain attribute reads
        return value
    raise AttributeError(f"module 'remanxl' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
