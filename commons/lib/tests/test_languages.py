"""Language names come from CLDR in the reader's language; the interface's own languages
carry their own names; the catalogues' completeness is counted, not typed."""

import re

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import write_po
from django.test import override_settings
from django.utils import translation

from commons.core.tests.test_languages import ENDONYMS
from commons.lib.languages import (
    LANGUAGE_CHOICES,
    catalogue_completeness,
    endonym,
    interface_languages,
    language_name,
)


def test_khmer_and_burmese_readers_read_language_names_in_their_script():
    assert language_name("km", "km") == "ខ្មែរ"
    assert language_name("th", "km") == "ថៃ"
    assert language_name("my", "my") == "မြန်မာ"
    assert re.fullmatch(r"[\u1000-\u109F]+", language_name("en", "my"))


def test_arabic_french_and_english_names():
    assert language_name("en", "ar") == "الإنجليزية"
    assert language_name("km", "fr") == "khmer"  # lower case, as in a French sentence
    assert language_name("my", "en") == "Burmese"
    assert language_name("khm", "en") == "Khmer"  # three letters, with a two-letter code


def test_three_letter_codes_cldr_lacks_keep_pycountry_names():
    assert language_name("fil", "th") == "ฟิลิปปินส์"  # CLDR names this one
    assert language_name("aao", "fr") == "Arabe du Sahara algérien"  # CLDR does not
    assert language_name("aao", "km") == "Algerian Saharan Arabic"
    assert language_name("tl", "km") == "Tagalog"  # neither has it in Khmer: English


def test_an_unknown_code_comes_back_as_given():
    assert language_name("xx", "en") == "xx"
    assert language_name("qqq", "km") == "qqq"


def test_the_active_language_is_the_default():
    with translation.override("vi"):
        assert language_name("km") == "Tiếng Khmer"


def test_choices_are_sorted_and_capitalised_for_the_reader():
    with translation.override("fr"):
        names = [str(name) for _code, name in LANGUAGE_CHOICES]
    assert names.index("Allemand") < names.index("Anglais") < names.index("Espagnol")
    with translation.override("en"):
        assert dict(LANGUAGE_CHOICES)["km"] == "Khmer"


def test_each_interface_language_has_its_own_name():
    names = {row["code"]: row["endonym"] for row in interface_languages("en")}
    assert names == ENDONYMS
    assert endonym("km") == "ខ្មែរ"


def test_interface_languages_are_named_for_the_reader_and_know_their_direction():
    rows = {row["code"]: row for row in interface_languages("th")}
    assert rows["km"]["name"] == "เขมร" and rows["th"]["current"] and not rows["km"]["current"]
    assert rows["ar"]["bidi"] and not rows["th"]["bidi"]


def _catalogue(tmp_path, code, entries):
    """A django.po and django.mo for ``code`` under ``tmp_path``: ``entries`` maps msgids
    to their translation, "" for none, or (translation, "fuzzy")."""
    catalogue = Catalog(locale=code)
    for msgid, value in entries.items():
        string, *flags = value if isinstance(value, tuple) else (value,)
        catalogue.add(msgid, string, flags=flags)
    folder = tmp_path / code / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "django.po").open("wb") as po:
        write_po(po, catalogue)
    with (folder / "django.mo").open("wb") as mo:
        write_mo(mo, catalogue)


@pytest.fixture
def fresh_counts():
    catalogue_completeness.cache_clear()
    yield
    catalogue_completeness.cache_clear()


def test_completeness_counts_translated_messages_only(tmp_path, fresh_counts):
    _catalogue(
        tmp_path,
        "th",
        {"One": "หนึ่ง", "Two": "", "Three": ("สาม", "fuzzy"), "Four": "สี่", "A long\nmessage": "ยาว"},
    )
    _catalogue(tmp_path, "km", {"One": "មួយ"})
    with override_settings(LOCALE_PATHS=[tmp_path]):
        assert catalogue_completeness("th") == 60  # 3 of 5: empty and fuzzy do not count
        assert catalogue_completeness("km") == 100
        assert catalogue_completeness("vi") is None  # no catalogue at all
        assert catalogue_completeness("en") == 100  # the language the site is written in


def test_the_shipped_catalogues_are_complete(fresh_counts):
    counts = {row["code"]: catalogue_completeness(row["code"]) for row in interface_languages()}
    assert counts == dict.fromkeys(("en", "th", "km", "vi", "my", "id", "es", "fr", "ar"), 100)
