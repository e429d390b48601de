"""Messages of remanxl's workbook area: key -> (English, Chinese); see :mod:`remanxl.i18n`."""

MESSAGES: dict[str, tuple[str, str]] = {
}
