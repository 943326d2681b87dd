"""The interface calls the field's key terms what docs/glossary.md calls them, in every language.

docs/glossary.csv holds the glossary. For each term: the English forms the interface uses
(``en_variants``), English phrases where the word means something else (``en_exclude``,
such as "audit event"), and per language the rendering followed by its accepted inflected
forms (Arabic articles and plurals, Spanish and French agreement), all separated by ``|``.
For every term marked ``checked``, each translated entry whose English names the term must
contain one of those forms. Untranslated entries are left to test_catalogues.
"""

import csv
import functools
import re
import unicodedata
from pathlib import Path

import pytest
from django.conf import settings

from commons.core.tests.test_catalogues import parse_po

ROOT = Path(__file__).resolve().parents[3]
GLOSSARY = ROOT / "docs" / "glossary.csv"
GLOSSARY_PAGE = ROOT / "docs" / "glossary.md"
LOCALE = ROOT / "commons" / "locale"
LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "en"]

# Parts of an English string that are not words a translator renders: placeholders,
# HTML tags, paths and addresses (/library/…, docs/privacy.md).
NOT_WORDS = re.compile(r"%\(\w+\)[sdf]|%[sdf]|\{[^}]*\}|<[^>]+>|\S*/\S*")
# Arabic short vowels, shadda, sukun and tatweel are optional in writing.
ARABIC_MARKS = re.compile("[\u064b-\u0652\u0670\u0640]")
# Thai, Khmer and Burmese write words together; spaces there are phrase breaks.
SPACES = re.compile(r"[\s\u200b\u200c\u200d\u2060]+")


@functools.cache
def glossary() -> list[dict]:
    with GLOSSARY.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def forms(cell: str) -> list[str]:
    return [form.strip() for form in cell.split("|") if form.strip()]


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text).casefold()
    return SPACES.sub("", ARABIC_MARKS.sub("", text))


@functools.cache
def english_pattern(phrases: tuple[str, ...]) -> re.Pattern | None:
    words = [re.escape(w).replace(r"\ ", r"\s+") for w in phrases]
    return re.compile(r"\b(?:" + "|".join(words) + r")\b", re.IGNORECASE) if words else None


@functools.cache
def uses_term(english: str, name: str, context: str = "") -> bool:
    """Whether an English string uses the term in the glossary's sense.

    An ``en_exclude`` phrase written ``=phrase`` excludes only a string that is exactly
    that phrase: a msgid shared by two senses (a model name used for e-mails too); one
    written ``@context`` excludes the strings with that msgctxt (a session's moderator,
    who chairs a panel, is not the platform's)."""
    term = next(t for t in glossary() if t["term"] == name)
    excluded = forms(term["en_exclude"])
    if context and f"@{context}" in excluded:
        return False
    if english in [p[1:] for p in excluded if p.startswith("=")]:
        return False
    exclude = english_pattern(tuple(p for p in excluded if p[:1] not in ("=", "@")))
    if exclude:
        english = exclude.sub(" ", english)
    return bool(
        english_pattern(tuple(forms(term["en_variants"]))).search(NOT_WORDS.sub(" ", english))
    )


def translations(entry: dict) -> list[str]:
    return [v for k, v in entry.items() if k.startswith("msgstr") and v]


def mismatches(code: str) -> list[str]:
    """Each translated entry that names a checked term without the glossary's rendering."""
    entries, _flags = parse_po(LOCALE / code / "LC_MESSAGES" / "django.po")
    terms = [t for t in glossary() if t["checked"] == "yes"]
    accepted = {t["term"]: [normalise(form) for form in forms(t[code])] for t in terms}
    found = []
    for entry in entries:
        english = " ".join(filter(None, [entry.get("msgid"), entry.get("msgid_plural")]))
        texts = [(text, normalise(text)) for text in translations(entry)]
        context = entry.get("msgctxt", "")
        for term in (
            t for t in terms if english and texts and uses_term(english, t["term"], context)
        ):
            for text, normalised in texts:
                if not any(form in normalised for form in accepted[term["term"]]):
                    found.append(
                        f"{code}/LC_MESSAGES/django.po: {entry['msgid']!r}\n"
                        f"    msgstr: {text!r}\n"
                        f"    expected {term['term']!r}: {' or '.join(forms(term[code]))}"
                    )
    return found


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_catalogue_uses_the_glossary_terms(code):
    found = mismatches(code)
    assert not found, f"{len(found)} entries do not use docs/glossary.md:\n" + "\n".join(found)


def test_the_glossary_has_a_column_for_every_language():
    columns = set(glossary()[0])
    assert set(LANGUAGES) <= columns
    missing = [(t["term"], code) for t in glossary() for code in LANGUAGES if not forms(t[code])]
    assert missing == []


def test_every_checked_term_occurs_in_the_interface():
    """A term whose English forms match no string would check nothing."""
    entries, _flags = parse_po(LOCALE / LANGUAGES[0] / "LC_MESSAGES" / "django.po")
    english = [" ".join(filter(None, [e.get("msgid"), e.get("msgid_plural")])) for e in entries]
    unused = [
        t["term"]
        for t in glossary()
        if t["checked"] == "yes" and not any(uses_term(text, t["term"]) for text in english if text)
    ]
    assert unused == []


def test_the_glossary_page_shows_every_term_as_the_csv_has_it():
    rows = [
        [cell.strip() for cell in line.strip().strip("|").split(" | ")]
        for line in GLOSSARY_PAGE.read_text(encoding="utf-8").splitlines()
        if line.startswith("| ")
    ]
    for term in glossary():
        shown = [term["en"], *(forms(term[code])[0] for code in LANGUAGES), term["note"]]
        assert shown in rows, f"docs/glossary.md has no row {' | '.join(shown)}"
