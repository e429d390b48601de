"""``breakdowns["lines"]``: the lines behind each total, one record per line, made when first read (a plant
inventory has tens of thousands; ``remanxl evaluate`` reads none of them)."""
import json
import pickle
from collections.abc import Mapping

from remanxl import evaluate, load_example
from remanxl.method import inventory
from remanxl.method.inputs import EvaluationInput
from remanxl.sheet.summary import has_data

TOTALS = ["energy", "ghg", "fresh_water", "wastewater", "solid_waste", "materials", "air", "water_pollutants"]


def test_records_are_made_when_first_read_and_only_then(monkeypatch):
    made = []
    to_dict = inventory.Line.to_dict
    monkeypatch.setattr(inventory.Line, "to_dict", lambda self: made.append(self) or to_dict(self))
    lines = evaluate(load_example()).breakdowns["lines"]
    assert isinstance(lines, Mapping) and list(lines) == TOTALS
    assert made == [] and lines.any()
    energy = lines["energy"]
    assert len(made) == len(energy) > 0
    assert lines["energy"] is energy  # made once
    assert energy[0] == to_dict(made[0]) and set(energy[0]) >= {"table", "row", "side", "key", "value"}


def test_the_records_are_those_of_the_lines_in_every_output():
    ev = evaluate(load_example())
    lines = ev.breakdowns["lines"]
    plain = {name: records for name, records in lines.items()}
    assert all(type(v) is list for v in plain.values()) and sum(map(len, plain.values())) > 20
    out = ev.to_dict()["breakdowns"]["lines"]  # the JSON output: plain lists, every float as a spreadsheet keeps it
    assert type(out) is dict and list(out) == TOTALS and json.loads(json.dumps(out)) == out
    assert {k: len(v) for k, v in out.items()} == {k: len(v) for k, v in plain.items()}
    again = pickle.loads(pickle.dumps(ev))  # (a batch sends evaluations between processes)
    assert again.breakdowns["lines"] == lines == plain
    assert evaluate(load_example()).breakdowns == {**ev.breakdowns, "lines": plain}


def test_a_blank_input_has_no_lines_and_no_data():
    ev = evaluate(EvaluationInput(settings=dict(load_example().settings)))
    assert not ev.breakdowns["lines"].any() and not any(ev.breakdowns["lines"].values())
    assert not has_data(ev)
    assert has_data(evaluate(load_example()))
