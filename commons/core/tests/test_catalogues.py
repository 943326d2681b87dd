"""The translation catalogues are complete and the compiled .mo files match the .po files."""

import ast
import gettext
from pathlib import Path

import pytest
from django.conf import settings

LOCALE_DIRS = [Path(p) for p in settings.LOCALE_PATHS]


def parse_po(path: Path) -> tuple[list[dict], list[str]]:
    """Entries (msgctxt, msgid, msgstr…) and the flags lines of a .po file."""
    entries, flags, entry, key = [], [], {}, None
    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if line.startswith("#,"):
            flags.append(line)
        if not line or line.startswith("#"):
            if entry and not line:
                entries.append(entry)
                entry, key = {}, None
            continue
        if line.startswith('"'):
            entry[key] += ast.literal_eval(line)
            continue
        key, _space, value = line.partition(" ")
        entry[key] = ast.literal_eval(value)
    return entries, flags


def catalogues():
    return sorted(p for d in LOCALE_DIRS for p in d.glob("*/LC_MESSAGES/django.po"))


@pytest.mark.parametrize("po", catalogues(), ids=lambda p: f"{p.parts[-4]}/{p.parts[-3]}")
def test_every_string_is_translated_and_compiled(po):
    entries, flags = parse_po(po)
    assert not [f for f in flags if "fuzzy" in f], "fuzzy entries are ignored at run time"
    messages = [e for e in entries if e.get("msgid")]
    untranslated = [
        e["msgid"] for e in messages if not any(v for k, v in e.items() if k.startswith("msgstr"))
    ]
    assert untranslated == []
    compiled = gettext.GNUTranslations(po.with_suffix(".mo").open("rb"))
    for entry in messages:
        if "msgid_plural" in entry:
            continue
        msgid = (
            entry["msgid"] if "msgctxt" not in entry else f"{entry['msgctxt']}\x04{entry['msgid']}"
        )
        assert compiled._catalog.get(msgid) == entry["msgstr"], (
            f"{po.with_suffix('.mo')} is out of date"
        )


def test_the_languages_the_brief_names_all_have_a_catalogue():
    codes = {p.parts[-3] for p in catalogues() if p.parts[-4] == "locale"}
    assert codes == {code for code, _name in settings.LANGUAGES} - {"en"}
