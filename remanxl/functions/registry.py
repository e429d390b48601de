"""The one registry of remanxl's worksheet functions.

Each entry says what Excel must know about a function: its name, its
arguments with help text in English and Chinese, whether an argument is
optional or takes a range, the Function Wizard category and a worked example.
The xlwings decorators (:mod:`remanxl.udfs`), the VBA wrappers of the add-in,
the template's formulas, the README's function table and the tests are all
generated from it.
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Callable

CATEGORY = "remanxl"

#: Excel's Application.MacroOptions rejects descriptions longer than this.
MACRO_OPTIONS_LIMIT = 255


@dataclass(frozen=True)
class Arg:
    name: str
    help_en: str
    help_zh: str
    optional: bool = False
    takes_range: bool = False  # a multi-cell range is accepted (summed or paired element-wise)
    varargs: bool = False  # the last argument may repeat (ParamArray in VBA)

    @property
    def help(self) -> str:
        """Argument help for the Function Wizard: English, then Chinese."""
        return f"{self.help_en} / {self.help_zh}"


@dataclass(frozen=True)
class Udf:
    name: str
    func: Callable
    args: tuple[Arg, ...]
    help_en: str
    help_zh: str
    example: str
    returns: str = "scalar"  # "scalar" or "array" (spills)
    category: str = CATEGORY
    volatile: bool = False
    indicator: str | None = None  # symbol of the indicator it computes, if any

    @property
    def help(self) -> str:
        return f"{self.help_en} / {self.help_zh}"

    @property
    def max_args(self) -> int | None:
        return None if any(a.varargs for a in self.args) else len(self.args)


REGISTRY: dict[str, Udf] = {}


def register(name: str, args: list[Arg], help_en: str, help_zh: str, example: str, **kw):
    """Decorator: add the function to :data:`REGISTRY` under ``name``."""

    def deco(func):
        if name in REGISTRY:
            raise ValueError(f"{name} registered twice")
        entry = Udf(name, func, tuple(args), help_en, help_zh, example, **kw)
        for text in (entry.help, *(a.help for a in entry.args)):
            if len(text) > MACRO_OPTIONS_LIMIT:
                raise ValueError(f"{name}: help text over {MACRO_OPTIONS_LIMIT} characters: {text[:60]}…")
        _align_signature(func, entry.args)
        REGISTRY[name] = entry
        return func

    return deco


def _align_signature(func, args: tuple[Arg, ...]) -> None:
    """Make ``inspect.signature(func)`` name the registry's arguments.

    xlwings reads argument names from the signature to match its ``@xw.arg``
    decorators and to write the VBA wrapper; a body written as ``(x, y)`` must
    present itself as ``(cwr, cwm)``.
    """
    current = inspect.signature(func)
    if [p.name for p in current.parameters.values()] == [a.name for a in args]:
        return
    params = []
    for a in args:
        if a.varargs:
            params.append(inspect.Parameter(a.name, inspect.Parameter.VAR_POSITIONAL))
        elif a.optional:
            params.append(inspect.Parameter(a.name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None))
        else:
            params.append(inspect.Parameter(a.name, inspect.Parameter.POSITIONAL_OR_KEYWORD))
    func.__signature__ = inspect.Signature(params)
