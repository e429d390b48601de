"""The method core: GB/T 41350-2022 as remanxl computes it.

Pure Python. Nothing in this package imports Excel, xlwings or a file-format
library; the workbook, the command line and the UDFs all stand on it.
"""
