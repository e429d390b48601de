"""Workbook I/O: the template builder, the reader of filled workbooks and the summary writer.

Layer 2: imports the method core, never the Excel integration.
"""
