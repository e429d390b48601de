"""The spreadsheet shape: tables as a spreadsheet holds them, with no file format and no Excel.

What a remanxl workbook looks like (:mod:`.layout`), its native formulas (:mod:`.formulas`),
blocks of cells read into an evaluation's input with every problem located at its cell
(:mod:`.grid`, :mod:`.reader`), the summary sheet as a model of cells (:mod:`.summary`) and the
recompute engine over any workbook (:mod:`.engine`).  The ``.xlsx`` file (:mod:`remanxl.workbook`),
the open Excel book (:mod:`remanxl.excel`) and ``REMAN_EVALUATE`` all stand on this layer.
"""
