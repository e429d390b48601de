"""Messages of remanxl's core area: key -> (English, Chinese); see :mod:`remanxl.i18n`."""

MESSAGES: dict[str, tuple[str, str]] = {
    "demo.rows": ("{n} row(s)", "{n} 行"),
}
