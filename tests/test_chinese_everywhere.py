"""Every text a user reads in a generated workbook has its Chinese: titles, headers, group headings and
notes on every sheet, every comment, every drop-down's input message and error alert.

Codes are exempt (an indicator symbol, a unit): what they mean is in a cell beside them.  A factor-table
header is the name remanxl reads, so it stays a key; its meaning in both languages is its comment.
"""
import re

import pytest
from openpyxl import load_workbook

from remanxl import load_example
from remanxl.workbook.io import evaluate_workbook
from remanxl.workbook.template import build_template
from spec_vectors import t4_input
from workbook_fixtures import vector_workbook

HAN = re.compile(r"[\u4e00-\u9fff]")
CODE = re.compile(r"^[A-Za-z0-9_.²³/()+\-]*$")  # one token: a symbol, a key, a unit
LABEL_STYLES = ("rx title", "rx header", "rx group", "rx note")
PRODUCT_NAME = "remanxl"


@pytest.fixture(scope="module", params=["template", "example", "recomputed T4"])
def book(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("zh")
    if request.param == "template":
        path = build_template(tmp / "t.xlsx")
    elif request.param == "example":
        path = build_template(tmp / "e.xlsx", load_example())
    else:
        path = vector_workbook(tmp / "t4.xlsx", t4_input())
        assert evaluate_workbook(path).ok
    return load_workbook(path)


def test_every_label_comment_and_prompt_has_its_chinese(book):
    missing = []
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for c in row:
                v = c.value
                if c.comment is not None and not HAN.search(c.comment.text):
                    missing.append((ws.title, c.coordinate, "comment", c.comment.text[:60]))
                if not isinstance(v, str) or v.startswith("=") or c.style not in LABEL_STYLES or HAN.search(v):
                    continue
                if CODE.match(v.strip()):
                    if c.style == "rx header" and ws.title.startswith("Factors") and not (
                            c.comment is not None and HAN.search(c.comment.text)):
                        missing.append((ws.title, c.coordinate, "factor header without a bilingual comment", v))
                    continue
                missing.append((ws.title, c.coordinate, c.style, v[:60]))
        for dv in ws.data_validations.dataValidation:
            for what in ("prompt", "promptTitle", "error"):
                text = getattr(dv, what)
                if text and text != PRODUCT_NAME and not HAN.search(text):
                    missing.append((ws.title, str(dv.sqref)[:20], what, text[:60]))
    assert not missing, missing[:15]


def test_the_walk_sees_the_workbooks_texts(book):
    """The walk above is not vacuous: it meets hundreds of labels, comments and prompts."""
    labels = sum(1 for ws in book.worksheets for row in ws.iter_rows() for c in row
                 if isinstance(c.value, str) and c.style in LABEL_STYLES)
    comments = sum(1 for ws in book.worksheets for row in ws.iter_rows() for c in row if c.comment is not None)
    prompts = sum(len(ws.data_validations.dataValidation) for ws in book.worksheets)
    assert labels > 200 and comments > 100 and prompts > 60, (labels, comments, prompts)
