"""Messages of remanxl's files area: key -> (English, Chinese); see :mod:`remanxl.i18n`."""

MESSAGES: dict[str, tuple[str, str]] = {
}
