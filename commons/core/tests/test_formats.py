"""Dates and numbers are written as each interface language writes them (CLDR), with
Latin digits everywhere; ids in addresses are never grouped."""

import ast
import datetime
from pathlib import Path

import django
import pytest
from babel import dates as cldr_dates
from babel import numbers as cldr_numbers
from django.conf import settings
from django.template import engines
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from commons.accounts.models import Organisation
from commons.conftest import client_for
from commons.directory.facet_index import directory_changed
from commons.directory.models import Presence
from commons.lib import calendar_names
from commons.lib.geo import country_name

THURSDAY = datetime.datetime(2026, 3, 5, 14, 30)
NBSP = "\xa0"


def burmese_march() -> str:
    return cldr_dates.get_month_names("wide", "format", "my")[3]


def render(source: str, language: str, **context) -> str:
    template = engines["django"].from_string("{% load humanize %}" + source)
    with translation.override(language):
        return template.render(context)


# (language, date, date and time, 1234567.5 grouped). Spanish and French keep Django's
# no-break space between groups (RAE and Imprimerie nationale), where CLDR has "." and a
# narrow no-break space; everything else is CLDR's.
EXPECTED = [
    ("en", "March 5, 2026", "March 5, 2026, 2:30 p.m.", "1,234,567.5"),
    ("th", "5 มีนาคม 2026", "5 มีนาคม 2026, 14:30", "1,234,567.5"),
    ("km", "5 ខែ មិនា ឆ្នាំ 2026", "5 ខែ មិនា ឆ្នាំ 2026, 14:30", "1,234,567.5"),
    ("vi", "Ngày 05 tháng 3 năm 2026", "14:30 Ngày 05 tháng 3 năm 2026", "1.234.567,5"),
    ("my", None, None, "1,234,567.5"),  # the month's name: below
    ("id", "5 Maret 2026", "5 Maret 2026, 14.30", "1.234.567,5"),
    ("es", "5 de marzo de 2026", "5 de marzo de 2026 a las 14:30", f"1{NBSP}234{NBSP}567,5"),
    ("fr", "5 mars 2026", "5 mars 2026 14:30", f"1{NBSP}234{NBSP}567,5"),
    ("ar", "5 مارس 2026", "5 مارس 2026، 2:30 م", "1,234,567.5"),
]


def test_the_table_covers_every_interface_language():
    assert [row[0] for row in EXPECTED] == [code for code, _name in settings.LANGUAGES]


@pytest.mark.parametrize(("language", "day", "moment", "number"), EXPECTED)
def test_it_writes_dates_and_numbers_as_each_language_does(language, day, moment, number):
    if language == "my":
        # CLDR: "y MMMM d", then the time "H:mm". The month's name comes from our
        # catalogue (commons/lib/calendar_names.py), which Django's lacks.
        day = f"2026 {burmese_march()} 5"
        moment = f"{day} 14:30"
    assert render('{{ d|date:"DATE_FORMAT" }}', language, d=THURSDAY) == day
    assert render('{{ d|date:"DATETIME_FORMAT" }}', language, d=THURSDAY) == moment
    assert render("{{ n|intcomma }}", language, n=1234567.5) == number


@pytest.mark.parametrize("language", ["my", "km", "vi", "ar", "th", "id", "en"])
def test_grouping_and_separators_are_cldrs_in_latin_digits(language):
    shown = render("{{ n|intcomma }}", language, n=1234567.5)
    assert shown == cldr_numbers.format_decimal(1234567.5, locale=language, numbering_system="latn")
    assert set(shown) <= set("0123456789.,")


@pytest.mark.parametrize("language", ["my", "ar"])
def test_the_long_date_is_cldrs(language):
    expected = cldr_dates.format_date(THURSDAY.date(), "long", locale=language)
    assert render('{{ d|date:"DATE_FORMAT" }}', language, d=THURSDAY) == expected


def test_burmese_dates_name_the_month_and_the_day_in_burmese():
    assert render('{{ d|date:"F" }}', "my", d=THURSDAY) == burmese_march()
    assert render('{{ d|date:"l" }}', "my", d=THURSDAY) == cldr_dates.format_date(
        THURSDAY.date(), "EEEE", locale="my"
    )
    # Short weekday names, as the event calendar shows them ("D").
    assert render('{{ d|date:"D" }}', "km", d=THURSDAY) == cldr_dates.format_date(
        THURSDAY.date(), "EEE", locale="km"
    )


def test_ids_and_plain_numbers_are_never_grouped():
    # A number in an address or a form value must stay one word: no thousands separator
    # unless a template asks for one with |intcomma.
    assert render("/organisations/{{ pk }}/", "fr", pk=12345) == "/organisations/12345/"
    assert render("{{ pk }}", "ar", pk=12345) == "12345"


def _calls(path: Path) -> set[tuple[str | None, str]]:
    """(context, msgid) of every gettext call with literal arguments in a module."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call) or not all(
            isinstance(arg, ast.Constant) for arg in node.args
        ):
            continue
        name = getattr(node.func, "id", "")
        if name == "_" and len(node.args) == 1:
            found.add((None, node.args[0].value))
        elif name == "pgettext_lazy" and len(node.args) == 2:
            found.add((node.args[0].value, node.args[1].value))
    return found


def test_the_calendar_names_are_exactly_the_ones_django_looks_up():
    django_dir = Path(django.__file__).parent / "utils"
    wanted = _calls(django_dir / "dates.py") | _calls(django_dir / "dateformat.py")
    assert _calls(Path(calendar_names.__file__)) == wanted


# --- Counts on pages -------------------------------------------------------------------


def _in_language(client, language: str):
    client.post(reverse("accounts:switch_language"), {"language": language})
    return client


@pytest.mark.parametrize(
    ("language", "grouped"), [("fr", f"12{NBSP}345"), ("es", f"12{NBSP}345"), ("ar", "12,345")]
)
def test_the_home_page_groups_its_counts(db, monkeypatch, language, grouped):
    from commons.directory import queries

    figures = {"organisations": 12345, "verified": 2345, "countries": 45, "professionals": 67890}
    monkeypatch.setattr(queries, "community_figures", lambda user: figures)
    body = _in_language(client_for(None), language).get(reverse("home")).content.decode()
    assert f"<dd>{grouped}</dd>" in body


@pytest.fixture
def many_in_thailand(db):
    """1,234 organisations working in Thailand (unverified: signed-in people see them)."""
    organisations = Organisation.objects.bulk_create(
        Organisation(name=f"Org {i:04}", slug=f"org-{i:04}", country="TH") for i in range(1234)
    )
    Presence.objects.bulk_create(Presence(organisation=o, country="TH") for o in organisations)
    directory_changed(None)
    return organisations


@pytest.mark.parametrize(
    ("language", "grouped"), [("fr", f"1{NBSP}234"), ("ar", "1,234"), ("en", "1,234")]
)
def test_directory_counts_and_map_legend_are_grouped(many_in_thailand, dave, language, grouped):
    client = _in_language(client_for(dave), language)
    listing = client.get(reverse("directory:search")).content.decode()
    with translation.override(language):
        heading = translation.ngettext("%(n)s organisation", "%(n)s organisations", 1234) % {
            "n": grouped
        }
    assert heading in listing
    shown_map = client.get(reverse("directory:search"), {"view": "map"}).content.decode()
    # The legend's one class, and Thailand's label on the map.
    assert f'<span class="worldmap-swatch q0"></span>{grouped}</li>' in shown_map
    with translation.override(language):
        label = translation.ngettext(
            "%(country)s: %(count)s organisation", "%(country)s: %(count)s organisations", 1234
        ) % {"country": country_name("TH"), "count": grouped}
    assert f"<title>{label}</title>" in shown_map


def test_the_recommendations_chart_writes_totals_in_the_language_but_not_its_coordinates():
    row = {"theme": {"label": "Labour migration"}, "total": 1234}
    cell = {"region": "Mekong", "count": 1234}
    chart = {
        "width": 640,
        "height": 80,
        "label_x": 172,
        "bar_height": 18,
        "bars": [
            {
                "row": row,
                "bar_y": 26.5,
                "text_y": 40.5,
                "end_x": 620.25,
                "segments": [{"x": 180.0, "width": 434.25, "region": "mekong", "cell": cell}],
            }
        ],
    }
    with translation.override("fr"):
        svg = render_to_string(
            "events/partials/_out_chart.html", {"chart": chart, "matrix": {"regions": []}}
        )
    assert f'<text class="total" x="620.25" y="40.5">1{NBSP}234</text>' in svg
    assert f"Mekong: 1{NBSP}234</title>" in svg


@pytest.mark.parametrize("code", ["fr", "es", "th", "ar"])
def test_a_date_field_is_filled_in_the_form_a_date_picker_reads(db, lantern, code):
    """A date picker (<input type="date">) only reads ISO dates, whatever the language."""
    from commons.events.forms.outcomes import CommitForm

    form = CommitForm(
        initial={"due": datetime.date(2027, 6, 30)},
        organisations=Organisation.objects.filter(pk=lantern.pk),
    )
    with translation.override(code):
        assert 'value="2027-06-30"' in str(form["due"])
