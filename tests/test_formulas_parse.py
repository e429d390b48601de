"""Every formula remanxl writes parses with an independent parser (openpyxl's tokenizer) and calls only
functions Excel knows (openpyxl's list of Excel's built-in functions) or remanxl's own ``REMAN_*``.

Cells, shared formulas, defined names (print areas included), data-validation lists, conditional
formats and the tables' calculated columns of the template, the example and a recomputed workbook.
LibreOffice's recalculation (tests/test_dashboard.py, tests/test_template_libreoffice.py) proves the
values; this proves the text is a formula Excel would accept, without Excel.
"""
import re
import zipfile

import pytest
from openpyxl.formula.tokenizer import Token, Tokenizer
from openpyxl.utils.formulas import FORMULAE

from remanxl import load_example
from remanxl.workbook.io import evaluate_workbook
from remanxl.workbook.template import build_template
from spec_vectors import t4_input
from workbook_fixtures import vector_workbook

FORMULA_ELEMENTS = re.compile(rb"<(?:\w+:)?(f|formula|formula1|formula2|calculatedColumnFormula)\b[^>]*>(.*?)</", re.S)
DEFINED_NAMES = re.compile(rb"<definedName\b[^>]*>(.*?)</definedName>", re.S)


def formulas_of(path) -> list[tuple[str, str]]:
    out = []
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if not name.endswith(".xml"):
                continue
            xml = zf.read(name)
            for _, text in FORMULA_ELEMENTS.findall(xml):
                if text.strip():
                    out.append((name, text.decode()))
            if name == "xl/workbook.xml":
                out += [(name, t.decode()) for t in DEFINED_NAMES.findall(xml)]
    return out


def unescape(text: str) -> str:
    return text.replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">").replace("&apos;", "'").replace(
        "&amp;", "&")


@pytest.fixture(scope="module", params=["template", "example", "recomputed T4"])
def book(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("parse")
    if request.param == "template":
        return build_template(tmp / "t.xlsx")
    if request.param == "example":
        return build_template(tmp / "e.xlsx", load_example())
    path = vector_workbook(tmp / "t4.xlsx", t4_input())
    assert evaluate_workbook(path).ok
    return path


def test_every_formula_parses_and_calls_only_known_functions(book):
    found = formulas_of(book)
    assert len(found) > 500  # the walk meets the workbook's formulas
    bad = []
    for part, raw in found:
        text = unescape(raw)
        if re.fullmatch(r"-?\d+(\.\d+)?|\"[^\"]*\"", text):
            continue  # a validation list's constant
        try:
            tokens = Tokenizer("=" + text).items
        except Exception as exc:  # noqa: BLE001 - the tokenizer's own error types
            bad.append((part, text[:80], f"does not parse: {exc}"))
            continue
        for t in tokens:
            if t.type == Token.FUNC and t.subtype == Token.OPEN:
                name = t.value[:-1].upper()
                if not (name in FORMULAE or name.startswith(("_XLFN.", "REMAN_"))):
                    bad.append((part, text[:80], f"unknown function {name}"))
            if t.type == Token.OPERAND and t.subtype == Token.ERROR and t.value != "#N/A":
                bad.append((part, text[:80], f"an error literal {t.value}"))
        if "#REF!" in text or "Err:" in text:
            bad.append((part, text[:80], "a broken reference"))
    assert not bad, bad[:10]
