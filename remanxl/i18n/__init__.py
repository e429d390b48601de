"""One message catalogue, two languages: what remanxl says to a user, in Chinese and English.

A message is a :class:`Msg`: a catalogue key and its parameters.  It *is* a ``str`` (its English
text), so code that joins, compares or logs messages keeps working; the places that show text to a
user (the command line, the workbook's Summary and Validation sheets, the UDFs, the report) render
it in the user's language with :func:`tr`.

>>> m = Msg("demo.rows", n=3)
>>> str(m)
'3 row(s)'
>>> tr(m, "zh")
'3 行'
>>> tr(m, "both")
'3 row(s) / 3 行'

Languages are ``"en"``, ``"zh"`` and ``"both"`` (English, then Chinese).  :func:`resolve_lang`
chooses one from an explicit choice, the ``REMANXL_LANG`` environment variable, or the system locale.

The texts live in the modules of this package, one per area (``core``, ``workbook``, ``files``,
``cli``, ``excel``, ``report``); each holds ``MESSAGES = {key: (english, chinese)}``.  Templates use
:meth:`str.format` fields; a parameter that is itself a :class:`Msg` is rendered in the same language.
This package imports nothing else of remanxl, so every layer can use it.
"""
from __future__ import annotations

import os
import string
from collections.abc import Mapping

LANGS = ("en", "zh", "both")
#: What users type for a language (settings cell, --lang, REMANXL_LANG).
LANG_WORDS = {"en": "en", "english": "en", "英文": "en", "英语": "en",
              "zh": "zh", "cn": "zh", "chinese": "zh", "中文": "zh", "zh-cn": "zh", "zh_cn": "zh",
              "both": "both", "zh+en": "both", "en+zh": "both", "bilingual": "both", "双语": "both",
              "中英": "both", "中英文": "both"}
#: Separator of the two languages when both are shown in one line.
BOTH_SEPARATOR = " / "

_AREAS = ("core", "workbook", "files", "cli", "excel", "report")
_CATALOGUE: dict[str, tuple[str, str]] | None = None


def catalogue() -> dict[str, tuple[str, str]]:
    """Every message: key -> (English, Chinese).  Loaded on first use; a key defined twice is an error."""
    global _CATALOGUE
    if _CATALOGUE is None:
        import importlib

        merged: dict[str, tuple[str, str]] = {}
        for area in _AREAS:
            module = importlib.import_module(f"remanxl.i18n.{area}")
            for key, texts in module.MESSAGES.items():
                if key in merged:
                    raise RuntimeError(f"message {key!r} is defined twice (remanxl.i18n.{area})")
                merged[key] = texts
        _CATALOGUE = merged
    return _CATALOGUE


def _render(key: str, params: Mapping, lang: str) -> str:
    en, zh = catalogue()[key]
    if lang == "both":
        a, b = _fill(en, params, "en"), _fill(zh, params, "zh")
        return a if a == b else a + BOTH_SEPARATOR + b
    return _fill(zh if lang == "zh" else en, params, lang)


def _fill(template: str, params: Mapping, lang: str) -> str:
    if not params:
        return template
    return template.format(**{k: tr(v, lang) if isinstance(v, (Msg, Choice)) else v for k, v in params.items()})


class Msg(str):
    """A catalogue message: equal to its English text, renderable in either language."""

    __slots__ = ("key", "params")

    def __new__(cls, key: str, /, **params):
        self = super().__new__(cls, _render(key, params, "en"))
        self.key, self.params = key, params
        return self

    def render(self, lang: str = "en") -> str:
        return _render(self.key, self.params, lang)

    def __reduce__(self):  # pickles across processes (a workbook is read in a child)
        return (_rebuild, (self.key, self.params))

    def __repr__(self) -> str:
        return f"Msg({self.key!r}, {str.__repr__(self)})"


class Choice(str):
    """A fixed word with its two spellings (an indicator's status, a yes/no), not a catalogue entry."""

    __slots__ = ("zh",)

    def __new__(cls, en: str, zh: str):
        self = super().__new__(cls, en)
        self.zh = zh
        return self

    def render(self, lang: str = "en") -> str:
        en = str.__str__(self)
        return self.zh if lang == "zh" else en if lang == "en" or en == self.zh else en + BOTH_SEPARATOR + self.zh

    def __reduce__(self):
        return (Choice, (str.__str__(self), self.zh))


def _rebuild(key, params):
    return Msg(key, **params)


def tr(text, lang: str = "en") -> str:
    """``text`` in ``lang``: a :class:`Msg` or :class:`Choice` rendered, anything else as it is."""
    if isinstance(text, (Msg, Choice)):
        return text.render(lang)
    return "" if text is None else str(text)


def parse_lang(word) -> str | None:
    """The language a user's word names (``zh``, ``中文``, ``both`` …), or None."""
    if word is None:
        return None
    return LANG_WORDS.get(str(word).strip().casefold())


def system_lang(environ: Mapping | None = None, windows_ui_language=None) -> str:
    """``zh`` when the user's locale is Chinese, else ``en``.

    The POSIX variables are read in their order of precedence (LC_ALL, LC_MESSAGES, LANG, LANGUAGE);
    on Windows, where they are usually unset, the user interface language is asked of the system
    (``windows_ui_language`` lets tests give it).
    """
    env = os.environ if environ is None else environ
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = env.get(var)
        if value:
            return "zh" if value.casefold().startswith("zh") else "en"
    ui = windows_ui_language() if windows_ui_language else _windows_ui_language()
    if ui is not None:
        return "zh" if ui & 0x3FF == 0x04 else "en"  # LANG_CHINESE is primary language 0x04
    return "en"


def _windows_ui_language() -> int | None:
    if os.name != "nt":
        return None
    try:
        import ctypes

        return int(ctypes.windll.kernel32.GetUserDefaultUILanguage())
    except Exception:  # noqa: BLE001 - no answer: English
        return None


def resolve_lang(explicit=None, environ: Mapping | None = None) -> str:
    """The language to speak: an explicit choice, else ``REMANXL_LANG``, else the system locale."""
    env = os.environ if environ is None else environ
    return parse_lang(explicit) or parse_lang(env.get("REMANXL_LANG")) or system_lang(env)


def fields(template: str) -> set[str]:
    """The format fields a template uses (tests check both languages use the same ones)."""
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(template) if name}


__all__ = ["Msg", "Choice", "tr", "catalogue", "resolve_lang", "parse_lang", "system_lang", "LANGS", "fields"]
