"""UNO side of the harness, run by a Python that has ``uno`` (Debian's /usr/bin/python3).

Usage: ``python3 lo_uno.py PIPE_NAME CONNECT_TIMEOUT``.  Connects to a soffice
listening on ``pipe,name=PIPE_NAME``, prints ``{"ready": true, ...}`` and then
answers JSON requests, one a line on stdin, with one JSON line on stdout:

* ``{"op": "recalculate", "path": "a.xlsx", "save": null or "out.xlsx"}`` ->
  ``{"ok": true, "sheets": {sheet: {"B7": value}}}`` or ``{"ok": false, "error": "..."}``;
* ``{"op": "quit"}`` -> closes LibreOffice and exits.

Every UNO call crosses a pipe, so sheets are read as whole arrays, and the
codes of error cells through one CSV export of their sheet.
"""
import csv
import json
import os
import sys
import tempfile
import time
import traceback

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException

FORMULA_RESULT_ERROR = 4  # com.sun.star.sheet.FormulaResult.ERROR
XLSX_FILTER = "Calc MS Excel 2007 XML"
# CSV export of one sheet: UTF-8, values as shown (an error cell shows "#DIV/0!", "Err:502"...);
# the last token is the 1-based sheet number.
CSV_FILTER, CSV_OPTIONS = "Text - txt - csv (StarCalc)", "44,34,76,1,,0,false,true,true,false,false,{}"


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def column(n):
    s, n = "", n + 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def connect(pipe, timeout):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + timeout
    while True:
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except NoConnectException:
            if time.monotonic() > deadline:
                raise TimeoutError(f"soffice did not accept a connection within {timeout:g} s") from None
            time.sleep(0.05)
    return ctx, ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)


PROBE = "vnd.sun.star.script:Standard.Module1.remanxl_probe?language=Basic&location=application"


def probe(ctx):
    """Run the profile's Basic ``remanxl_probe``: "ok: ..." if Basic reaches remanxl's Python."""
    try:
        factory = ctx.ServiceManager.createInstanceWithContext(
            "com.sun.star.script.provider.MasterScriptProviderFactory", ctx)
        return str(factory.createScriptProvider("").getScript(PROBE).invoke((), (), ())[0])
    except Exception as exc:  # noqa: BLE001
        return f"failed: {type(exc).__name__}: {exc}"


def version(ctx):
    try:
        cp = ctx.ServiceManager.createInstanceWithContext("com.sun.star.configuration.ConfigurationProvider", ctx)
        node = cp.createInstanceWithArguments("com.sun.star.configuration.ConfigurationAccess",
                                              (prop("nodepath", "/org.openoffice.Setup/Product"),))
        return node.getByName("ooSetupVersionAboutBox")
    except Exception:  # noqa: BLE001 - the version is only informative
        return "unknown"


def shown_texts(doc, index):
    """The displayed text of every cell of sheet ``index``, as rows of a CSV export.

    Reading an error code costs several UNO calls per cell (1.4 ms); one CSV
    export of the sheet costs a few ms whatever the number of error cells.
    """
    with tempfile.TemporaryDirectory(prefix="remanxl-csv-") as tmp:
        url = uno.systemPathToFileUrl(os.path.join(tmp, "sheet.csv"))
        doc.storeToURL(url, (prop("FilterName", CSV_FILTER), prop("FilterOptions", CSV_OPTIONS.format(index + 1))))
        # LibreOffice appends "-<sheet name>" to the file name: take whatever it wrote.
        (name,) = os.listdir(tmp)
        with open(os.path.join(tmp, name), encoding="utf-8", newline="") as f:
            return list(csv.reader(f))


def dump_sheet(doc, index):
    """{"B7": value} for every formula cell of sheet ``index``."""
    sheet = doc.Sheets.getByIndex(index)
    cursor = sheet.createCursor()
    cursor.gotoEndOfUsedArea(False)
    end = cursor.RangeAddress
    rng = sheet.getCellRangeByPosition(0, 0, end.EndColumn, end.EndRow)
    cells = {}
    for r, (frow, drow) in enumerate(zip(rng.getFormulaArray(), rng.getDataArray())):
        for c, (f, v) in enumerate(zip(frow, drow)):
            if f.startswith(("=", "{=")):
                cells[f"{column(c)}{r + 1}"] = v
    errors = rng.queryFormulaCells(FORMULA_RESULT_ERROR)
    if errors.Count:
        shown = shown_texts(doc, index)
        for a in errors.getRangeAddresses():
            for r in range(a.StartRow, a.EndRow + 1):
                for c in range(a.StartColumn, a.EndColumn + 1):
                    try:
                        text = shown[r][c]
                    except IndexError:
                        text = "#ERROR"
                    cells[f"{column(c)}{r + 1}"] = text
    return sheet.Name, cells


def recalculate(desktop, path, save=None):
    t0 = time.perf_counter()
    url = uno.systemPathToFileUrl(os.path.abspath(path))
    doc = desktop.loadComponentFromURL(url, "_blank", 0, (prop("Hidden", True), prop("ReadOnly", True)))
    if doc is None:
        raise RuntimeError(f"LibreOffice could not open {path}")
    try:
        t1 = time.perf_counter()
        doc.calculateAll()
        t2 = time.perf_counter()
        out = dict(dump_sheet(doc, i) for i in range(doc.Sheets.Count))
        t3 = time.perf_counter()
        if save:
            doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(save)), (prop("FilterName", XLSX_FILTER),))
        timings = {"load": t1 - t0, "calculate": t2 - t1, "read": t3 - t2, "save": time.perf_counter() - t3}
        return out, timings
    finally:
        doc.close(True)


def main():
    pipe, timeout = sys.argv[1], float(sys.argv[2])
    reply = sys.stdout
    sys.stdout = sys.stderr  # a stray print must not corrupt the protocol

    def send(obj):
        reply.write(json.dumps(obj) + "\n")
        reply.flush()

    try:
        ctx, desktop = connect(pipe, timeout)
    except Exception as exc:  # noqa: BLE001
        send({"ready": False, "error": f"{type(exc).__name__}: {exc}"})
        return 1
    send({"ready": True, "version": version(ctx), "probe": probe(ctx)})
    for line in sys.stdin:
        try:
            req = json.loads(line)
            if req["op"] == "quit":
                break
            if req["op"] != "recalculate":
                raise ValueError(f"unknown op {req['op']!r}")
            sheets, timings = recalculate(desktop, req["path"], req.get("save"))
            send({"ok": True, "sheets": sheets, "timings": timings})
        except Exception as exc:  # noqa: BLE001 - report it; the caller decides
            send({"ok": False, "error": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc()})
    try:
        desktop.terminate()
    except Exception:  # noqa: BLE001 - soffice going away mid-call is the expected outcome
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
