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

from remanxl.method import indicators  # noqa: E402
from remanxl.method.errors import InputError, Problem, RemanxlError, UndefinedRateError  # noqa: E402
from remanxl.method.evaluate import Evaluation, evaluate  # noqa: E402
from remanxl.method.factors import FactorSet, default_factors  # noqa: E402
from remanxl.method.inputs import EvaluationInput, load_example  # noqa: E402
from remanxl.method.settings import Settings  # noqa: E402

__all__ = [
    "__version__", "METHOD_VERSION", "indicators", "evaluate", "Evaluation", "EvaluationInput",
    "FactorSet", "default_factors", "Settings", "InputError", "Problem", "RemanxlError",
    "UndefinedRateError", "load_example",
]
