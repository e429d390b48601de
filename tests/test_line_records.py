"""``breakdowns["lines"]``: the lines behind each total, one record (a plain dict) per line, in a plain dict
by total; a plant inventory has tens of thousands, so each record is a copy of the line's fields made in
one step."""
import dataclasses
import json
import pickle

from remanxl import evaluate, load_example
from remanxl.method.inputs import EvaluationInput
from remanxl.method.inventory import Line
from remanxl.sheet.summary import has_data

TOTALS = ["energy", "ghg", "fresh_water", "wastewater", "solid_waste", "materials", "air", "water_pollutants"]


def test_a_record_is_a_copy_of_the_line_fields():
    line = Line("energy", 3, "original", "electricity", 1200.0, "kWh", 1200.0, 0.1229, "kgce/kWh", 1.0, 1, 147.48)
    record = line.to_dict()
    assert record == dataclasses.asdict(line) and list(record) == [f.name for f in dataclasses.fields(Line)]
    record["value"] = 0.0
    assert line.value == 147.48 and line.to_dict()["value"] == 147.48


def test_the_lines_are_plain_data_in_every_output():
    ev = evaluate(load_example())
    lines = ev.breakdowns["lines"]
    assert type(lines) is dict and list(lines) == TOTALS
    assert all(type(v) is list and all(type(r) is dict for r in v) for v in lines.values())
    assert sum(map(len, lines.values())) > 20
    assert json.loads(json.dumps(ev.breakdowns))["lines"].keys() == lines.keys()  # a script may dump them as they are
    out = ev.to_dict()["breakdowns"]["lines"]  # the JSON output: every float as a spreadsheet keeps it
    assert list(out) == TOTALS and {k: len(v) for k, v in out.items()} == {k: len(v) for k, v in lines.items()}
    assert pickle.loads(pickle.dumps(ev)).breakdowns == ev.breakdowns  # (a batch sends evaluations between processes)
    lines["energy"][0]["value"] = -1.0  # a caller's change to a record touches no line of the evaluation
    assert evaluate(load_example()).breakdowns["lines"]["energy"][0]["value"] != -1.0


def test_a_blank_input_has_no_lines_and_no_data():
    ev = evaluate(EvaluationInput(settings=dict(load_example().settings)))
    assert not any(ev.breakdowns["lines"].values())
    assert not has_data(ev)
    assert has_data(evaluate(load_example()))
