"""Country names come from CLDR in every language the interface speaks, in its own script,
and the lists people choose a country from are sorted for the reader."""

import re
import time

import pytest
from django import forms
from django.utils import translation

from commons.lib.geo import COUNTRY_CHOICES, COUNTRY_CODES, countries_typed, country_name

KHMER = re.compile(r"^[\u1780-\u17FF\u200b ()]+$")
BURMESE = re.compile(r"^[\u1000-\u109F\u200b ()]+$")


def test_khmer_and_burmese_readers_read_country_names_in_their_script():
    assert country_name("KH", "km") == "កម្ពុជា"
    assert country_name("TH", "km") == "ថៃ"
    assert country_name("TH", "my") == "ထိုင်း"
    assert BURMESE.match(country_name("MM", "my"))
    assert KHMER.match(country_name("VN", "km"))


@pytest.mark.parametrize("language", ["km", "my", "th", "ar"])
def test_no_country_is_left_in_english(language):
    latin = [c for c in COUNTRY_CODES if re.search("[A-Za-z]", country_name(c, language))]
    assert latin == []


def test_arabic_and_french_names():
    assert country_name("KH", "ar") == "كمبوديا"
    assert country_name("DE", "fr") == "Allemagne"
    assert country_name("MM", "fr") == "Myanmar (Birmanie)"


def test_the_active_language_is_the_default():
    with translation.override("th"):
        assert country_name("KH") == "กัมพูชา"
    with translation.override("en"):
        assert country_name("kh") == "Cambodia"


def test_english_keeps_the_iso_names_and_borrows_cldrs_for_the_rest():
    assert country_name("MM", "en") == "Myanmar"  # CLDR: "Myanmar (Burma)"
    assert country_name("BO", "en") == "Bolivia"  # pycountry's common name
    assert country_name("XK", "en") == "Kosovo"  # not in ISO 3166, named by CLDR
    assert country_name("XK", "sq") == "Kosovë"


def test_a_code_nobody_knows_comes_back_as_given():
    assert country_name("QQ", "km") == "QQ"
    assert country_name("ZZ", "en") == "ZZ"  # CLDR's "Unknown Region" is not a country
    assert country_name("", "en") == ""


def test_an_unknown_reader_language_reads_english():
    assert country_name("KH", "xx") == "Cambodia"
    assert country_name("KH", "pt-br") == "Camboja"


def test_choices_are_sorted_by_the_name_the_reader_reads():
    with translation.override("fr"):
        names = [str(name) for _code, name in COUNTRY_CHOICES]
        assert names.index("Allemagne") < names.index("Autriche") < names.index("Égypte")
        assert names.index("Égypte") < names.index("Espagne")  # É sorts with E
    with translation.override("en"):
        names = [str(name) for _code, name in COUNTRY_CHOICES]
        assert names[:3] == ["Afghanistan", "Åland Islands", "Albania"]
        assert names.index("Germany") < names.index("Spain")
    with translation.override("vi"):
        names = [str(name) for _code, name in COUNTRY_CHOICES]
        assert names.index("Đức") > max(i for i, n in enumerate(names) if n.startswith("D"))
    with translation.override("th"):
        codes = [code for code, _name in COUNTRY_CHOICES]
        # เยอรมนี (Germany) starts with a vowel written first but read after ย
        assert codes.index("KH") < codes.index("TH") < codes.index("DE") < codes.index("HT")
    assert len(COUNTRY_CHOICES) == len(COUNTRY_CODES) == 249


def test_a_choice_read_in_one_language_renders_in_the_one_active_later():
    frozen = list(COUNTRY_CHOICES)  # as a module copies them at import time
    with translation.override("km"):
        assert str(dict(frozen)["KH"]) == "កម្ពុជា"


def test_a_select_lists_countries_in_the_readers_order():
    class Form(forms.Form):
        country = forms.ChoiceField(choices=[("", "—"), *COUNTRY_CHOICES])
        other = forms.ChoiceField(choices=COUNTRY_CHOICES)

    with translation.override("fr"):
        html = str(Form()["other"])
    assert html.index(">Allemagne<") < html.index(">Belgique<") < html.index(">Zimbabwe<")
    with translation.override("en"):
        form = Form({"country": "KH", "other": "DE"})
        assert form.is_valid()
        assert not Form({"country": "", "other": "QQ"}).is_valid()


def test_choices_are_quick_to_read_in_every_language():
    languages = ["en", "th", "km", "vi", "my", "id", "es", "fr", "ar"]
    for language in languages:  # the first read sorts once per language
        with translation.override(language):
            list(COUNTRY_CHOICES)
    started = time.perf_counter()
    for language in languages:
        with translation.override(language):
            [str(name) for _code, name in COUNTRY_CHOICES]
    assert time.perf_counter() - started < 0.5


@pytest.mark.parametrize(
    ("language", "typed", "codes"),
    [
        ("en", "Cambodia, Myanmar (Burma), Burma", ["KH", "MM"]),
        ("km", "កម្ពុជា; Thailand", ["KH", "TH"]),
        ("fr", "Birmanie, Myanmar (Birmanie)", ["MM"]),
    ],
)
def test_countries_can_be_typed_by_name_in_the_readers_language(language, typed, codes):
    with translation.override(language):
        found, unknown = countries_typed(typed)
    assert found == codes
    assert unknown == (["Burma"] if language == "en" else ["Birmanie"] if language == "fr" else [])


def test_a_country_field_shows_the_countrys_name_in_the_readers_language():
    from commons.accounts.models import Organisation

    organisation = Organisation(country="TH")
    with translation.override("fr"):
        assert organisation.get_country_display() == "Thaïlande"
    assert organisation.get_country_display() == "Thailand"
    assert Organisation(country="").get_country_display() == ""
