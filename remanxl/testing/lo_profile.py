"""Build a throw-away LibreOffice user profile that knows remanxl's functions.

The profile does three things:

* forces a full recalculation when an xlsx/ods file is loaded (by default
  Calc trusts cached values, and XlsxWriter caches a 0 for every formula);
* holds one Basic function per :data:`~remanxl.functions.REGISTRY` entry in
  the application library ``Standard``.  While importing OOXML, Calc binds an
  unknown function name such as ``REMAN_SW`` to the Basic function of that
  name and calls it with the cell values (a range as a 2-D array);
* holds ``Scripts/python/remanxl_forward.py`` (:mod:`remanxl.testing.lo_forward`),
  which the shims call to run the registry's Python function.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape

from remanxl.testing import proc

#: Basic has no ParamArray for Calc: a varargs function gets this many Optional parameters.
VARARGS = 24

FORWARD_SCRIPT = "remanxl_forward.py"

# 0 = always recalculate on load (1 = never, 2 = ask).
XCU_ITEMS = """\
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
"""

# Shared Basic helpers.  Looking the script up costs far more than calling it,
# so the object is cached in a Global.  remanxl_probe lets the harness check at
# start that Basic reaches Python and Python imports remanxl.  Python returns an
# array as a tuple of tuples, which reaches Basic as an array of arrays; Calc
# only turns a true 2-D Basic array into a matrix result, so it is copied into one.
BASIC_COMMON = """\
Global remanxl_script As Object

Function remanxl_load() As Object
    remanxl_load = createUnoService("com.sun.star.script.provider.MasterScriptProviderFactory") _
        .createScriptProvider("") _
        .getScript("vnd.sun.star.script:%s$call?language=Python&location=user")
End Function

Function remanxl_probe() As Variant
    On Error GoTo failed
    remanxl_probe = createUnoService("com.sun.star.script.provider.MasterScriptProviderFactory") _
        .createScriptProvider("") _
        .getScript("vnd.sun.star.script:%s$probe?language=Python&location=user") _
        .invoke(Array(), Array(), Array())
    Exit Function
failed:
    remanxl_probe = "failed: " & Error$
End Function

Function remanxl_matrix(r As Variant) As Variant
    Dim rows As Long, cols As Long, i As Long, j As Long, r0 As Long, c0 As Long
    r0 = LBound(r)
    c0 = LBound(r(r0))
    rows = UBound(r) - r0 + 1
    cols = UBound(r(r0)) - c0 + 1
    Dim m As Variant
    ReDim m(0 To rows - 1, 0 To cols - 1) As Variant
    For i = 0 To rows - 1
        For j = 0 To cols - 1
            m(i, j) = r(r0 + i)(c0 + j)
        Next j
    Next i
    remanxl_matrix = m
End Function
""" % (FORWARD_SCRIPT, FORWARD_SCRIPT)

# One shim.  Everything is inline: a call to another Basic function doubles
# the cost of a cell (measured: 5,000 calls 0.6 s inline, 1.3 s through a helper).
SHIM = """\
Function {name}({params}) As Variant
    On Error GoTo failed
    Dim mask As String, r As Variant
{collect}
    If IsNull(remanxl_script) Then remanxl_script = remanxl_load()
    r = remanxl_script.invoke(Array("{name}", mask, v), Array(), Array())
    If IsArray(r) Then r = remanxl_matrix(r)
    {name} = r
    Exit Function
failed:
    ' Without this a failure (e.g. uno not importable) shows as an empty cell.
    {name} = "#VALUE! LibreOffice could not run remanxl's Python: " & Error$
End Function
"""

COLLECT = """\
    If IsMissing(a{i}) Then
        mask = mask & "0"
    Else
        v({i}) = a{i}
        mask = mask & "1"
    End If"""


def basic_shim(name: str, nparams: int) -> str:
    """One Basic function ``name`` forwarding up to ``nparams`` arguments to Python.

    Every parameter is Optional, even a required one: a missing required
    argument then gets remanxl's own ``#VALUE!`` text instead of a Basic
    runtime error.  ``mask`` tells Python which arguments the formula gave.
    """
    params = ", ".join(f"Optional a{i} As Variant" for i in range(nparams))
    collect = [f"    Dim v({nparams - 1}) As Variant" if nparams else "    Dim v As Variant : v = Array()"]
    collect += [COLLECT.format(i=i) for i in range(nparams)]
    return SHIM.format(name=name, params=params, collect="\n".join(collect))


def basic_module(registry) -> str:
    """The Basic source of all shims for ``registry`` ({name: Udf})."""
    parts = [BASIC_COMMON]
    for name, udf in sorted(registry.items()):
        n = udf.max_args if udf.max_args is not None else len(udf.args) - 1 + VARARGS
        parts.append(basic_shim(name, n))
    return "\n".join(parts)


def _xba(source: str, module: str = "Module1") -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">\n'
            f'<script:module xmlns:script="http://openoffice.org/2000/script" script:name="{module}" '
            f'script:language="StarBasic">{escape(source)}</script:module>\n')


def build_profile(profile: Path, soffice: str, registry, env: dict, timeout: float = 120) -> None:
    """Create ``profile`` (a directory) for ``soffice`` with shims for ``registry``.

    Files written into a profile before its first start are replaced by the
    defaults, so LibreOffice first runs one real conversion to lay the profile
    down; only then are the settings merged in and the Basic module written.
    """
    profile = Path(profile)
    shutil.rmtree(profile, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix="remanxl-lo-init-") as tmp:
        (Path(tmp) / "init.csv").write_text("1\n")
        proc.run_group([soffice, f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless",
                        "--norestore", "--convert-to", "xlsx", "--outdir", tmp, str(Path(tmp) / "init.csv")],
                       timeout=timeout, env=env, what="building the LibreOffice profile")
    user = profile / "user"
    xcu = user / "registrymodifications.xcu"
    text = xcu.read_text(encoding="utf-8")
    if "</oor:items>" not in text:
        raise RuntimeError(f"unexpected LibreOffice profile: {xcu} has no </oor:items>")
    # Merge, never replace: a fresh registrymodifications.xcu resets the Basic libraries.
    xcu.write_text(text.replace("</oor:items>", XCU_ITEMS + "</oor:items>"), encoding="utf-8")
    standard = user / "basic" / "Standard"
    if not (standard / "script.xlb").exists():
        raise RuntimeError(f"unexpected LibreOffice profile: {standard} has no script.xlb")
    (standard / "Module1.xba").write_text(_xba(basic_module(registry)), encoding="utf-8")
    scripts = user / "Scripts" / "python"
    scripts.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(Path(__file__).with_name("lo_forward.py"), scripts / FORWARD_SCRIPT)
    os.chmod(scripts / FORWARD_SCRIPT, 0o644)
