"""The message catalogue: every message in both languages, with the same fields."""
import pickle
import re

import pytest

from remanxl.i18n import Choice, Msg, catalogue, fields, parse_lang, resolve_lang, system_lang, tr

HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("key", sorted(catalogue()))
def test_every_message_has_its_chinese_and_the_same_fields(key):
    en, zh = catalogue()[key]
    assert en.strip() and zh.strip()
    assert HAN.search(zh), f"{key}: the Chinese text has no Chinese"
    assert fields(en) == fields(zh), key


def test_a_message_is_its_english_text_and_renders_in_chinese():
    m = Msg("demo.rows", n=2)
    assert m == "2 row(s)" and isinstance(m, str)
    assert tr(m, "zh") == "2 行"
    assert tr(m, "both") == "2 row(s) / 2 行"
    assert tr("plain text", "zh") == "plain text" and tr(None) == ""


def test_a_message_parameter_is_rendered_in_the_same_language():
    inner = Msg("demo.rows", n=5)
    outer = Msg("demo.rows", n=inner)
    assert tr(outer, "zh") == "5 行 行"


def test_choice_words_render_in_either_language():
    c = Choice("confirmed", "已确认")
    assert c == "confirmed" and tr(c, "zh") == "已确认" and tr(c, "both") == "confirmed / 已确认"


def test_messages_survive_pickling_between_processes():
    m = pickle.loads(pickle.dumps(Msg("demo.rows", n=1)))
    assert isinstance(m, Msg) and tr(m, "zh") == "1 行"
    c = pickle.loads(pickle.dumps(Choice("yes", "是")))
    assert tr(c, "zh") == "是"


def test_language_words_and_the_system_locale():
    assert parse_lang("中文") == "zh" and parse_lang(" English ") == "en" and parse_lang("双语") == "both"
    assert parse_lang("klingon") is None
    assert system_lang({"LANG": "zh_CN.UTF-8"}) == "zh"
    assert system_lang({"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}) == "en"
    # Windows: no POSIX variables, the UI language is asked of the system (0x0804: Chinese, PRC).
    assert system_lang({}, windows_ui_language=lambda: 0x0804) == "zh"
    assert system_lang({}, windows_ui_language=lambda: 0x0409) == "en"
    assert resolve_lang(None, {"REMANXL_LANG": "zh", "LANG": "C"}) == "zh"
    assert resolve_lang("en", {"REMANXL_LANG": "zh"}) == "en"
