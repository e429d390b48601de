"""Test support: recalculating remanxl workbooks in LibreOffice headless.

See :mod:`remanxl.testing.libreoffice` for the harness.  :mod:`remanxl.testing.lo_uno`
and :mod:`remanxl.testing.lo_forward` are not imported here: they run in other
interpreters (a Python with ``uno``, and LibreOffice's embedded Python).
"""
