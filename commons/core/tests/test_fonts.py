"""The self-hosted Noto fonts show every character of the Thai, Khmer, Burmese and Arabic
translations (no empty boxes), text in a Latin-script language never makes a browser
download one, and the newsletter, which cannot use web fonts, names them and the system
fonts that hold these scripts."""

import re
import unicodedata
from pathlib import Path

import pytest
from django.conf import settings
from fontTools.ttLib import TTFont

from commons.core.tests.test_catalogues import parse_po
from commons.newsletter import sending
from commons.newsletter.models import Issue

STATIC = Path(settings.BASE_DIR) / "commons" / "static"
FONTS_CSS = STATIC / "css" / "fonts.css"
LOCALE = Path(settings.BASE_DIR) / "commons" / "locale"
JOINERS = [range(0x200C, 0x200E)]  # ZWNJ and ZWJ, which these scripts use between letters
SCRIPTS = {
    "th": ("Noto Sans Thai", [range(0x0E00, 0x0E80)]),
    "km": ("Noto Sans Khmer", [range(0x1780, 0x1800), range(0x19E0, 0x1A00)]),
    "my": (
        "Noto Sans Myanmar",
        [range(0x1000, 0x10A0), range(0xA9E0, 0xAA00), range(0xAA60, 0xAA80)],
    ),
    "ar": (
        "Noto Sans Arabic",
        [
            range(0x0600, 0x0700),
            range(0x0750, 0x0780),
            range(0x0870, 0x0900),
            range(0xFB50, 0xFE00),
            range(0xFE70, 0xFF00),
        ],
    ),
}
LATIN_LANGUAGES = ["es", "fr", "id", "vi"]


def _describe(points) -> str:
    return ", ".join(
        f"U+{p:04X} {unicodedata.name(chr(p), '?')} ({chr(p)})" for p in sorted(points)
    )


def _font_faces() -> list[dict]:
    """family, weight, display, file and code points of each @font-face in fonts.css."""
    faces = []
    for block in re.findall(r"@font-face\s*{([^}]*)}", FONTS_CSS.read_text(encoding="utf-8")):
        descriptors = dict(re.findall(r"([a-z-]+)\s*:\s*([^;]+);", block))
        url = re.fullmatch(r'url\("([^"]+)"\) format\("woff2"\)', descriptors["src"].strip())
        assert url, f"expected one local WOFF2 file: src: {descriptors['src']}"
        points = set()
        for span in descriptors["unicode-range"].split(","):
            first, _dash, last = span.strip().removeprefix("U+").partition("-")
            points.update(range(int(first, 16), int(last or first, 16) + 1))
        faces.append(
            {
                "family": descriptors["font-family"].strip().strip('"'),
                "weight": descriptors["font-weight"].strip(),
                "display": descriptors["font-display"].strip(),
                "file": (FONTS_CSS.parent / url.group(1)).resolve(),
                "points": points,
            }
        )
    return faces


def _translated_characters(code: str) -> set[int]:
    entries, _flags = parse_po(LOCALE / code / "LC_MESSAGES" / "django.po")
    return {
        ord(char)
        for entry in entries
        for key, value in entry.items()
        if key.startswith("msgstr")
        for char in value
    }


def test_it_serves_a_regular_and_a_bold_face_of_each_script_from_this_site():
    faces = _font_faces()
    assert sorted((face["family"], face["weight"]) for face in faces) == sorted(
        (family, weight) for family, _blocks in SCRIPTS.values() for weight in ("400", "700")
    )
    for face in faces:
        assert face["display"] == "swap", face["family"]
        assert face["file"].is_file(), f"{face['family']} {face['weight']}: no {face['file']}"
        assert face["file"].is_relative_to(STATIC / "vendor" / "fonts")
        font = TTFont(face["file"])
        assert font["name"].getDebugName(1) == face["family"]
        assert font["OS/2"].usWeightClass == int(face["weight"])
    vendor = STATIC / "vendor" / "fonts"
    assert "SIL Open Font License" in (vendor / "OFL.txt").read_text(encoding="utf-8")
    assert "@fontsource/noto-sans-khmer@" in (vendor / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("code", SCRIPTS)
def test_the_fonts_hold_every_character_of_the_translation(code):
    family, blocks = SCRIPTS[code]
    used = {p for p in _translated_characters(code) if any(p in b for b in blocks + JOINERS)}
    assert len(used) > 20, f"{code}: the catalogue has hardly any {family} text"
    faces = [face for face in _font_faces() if face["family"] == family]
    assert faces
    for face in faces:
        missing = used - set(TTFont(face["file"]).getBestCmap())
        assert not missing, f"{face['file'].name} has no glyph for {_describe(missing)}"
        outside = used - face["points"]
        assert not outside, (
            f"the unicode-range of {family} {face['weight']} in fonts.css leaves out "
            f"{_describe(outside)}, so a browser would not use the font for them"
        )


def test_text_in_a_latin_script_language_downloads_no_font():
    """A face is downloaded only for text in its unicode-range: the letters, digits and
    punctuation of the Latin-script translations (and the English source strings) are in
    none. (A Thai place name in an example is Thai text, and rightly fetches Thai.)"""
    scripts = tuple(name.split()[-1].upper() for name, _blocks in SCRIPTS.values())
    latin = set()
    for code in LATIN_LANGUAGES:
        entries, _flags = parse_po(LOCALE / code / "LC_MESSAGES" / "django.po")
        latin.update(ord(c) for entry in entries for value in entry.values() for c in value)
    latin = {p for p in latin if not unicodedata.name(chr(p), "").startswith(scripts)}
    assert {ord(c) for c in "Aaé ñ,.;:-–—“”’…0123456789"} <= latin
    for face in _font_faces():
        hit = latin & face["points"]
        assert not hit, f"{face['family']} would be downloaded for {_describe(hit)}"


def test_pages_link_the_fonts_and_nothing_from_another_origin():
    base = (Path(settings.BASE_DIR) / "commons" / "templates" / "base.html").read_text()
    links = re.findall(r'<link rel="stylesheet" href="([^"]+)"', base)
    assert links == ["{% static 'css/fonts.css' %}", "{% static 'css/commons.css' %}"]
    for stylesheet in (STATIC / "css").glob("*.css"):
        css = stylesheet.read_text(encoding="utf-8")
        assert "@import" not in css, stylesheet.name
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", css):
            assert not re.match(r"[a-z]+:|//", url), f"{stylesheet.name} loads {url}"


@pytest.mark.parametrize("language", ["en", "km", "my", "th", "ar"])
def test_the_newsletter_names_the_noto_families_and_loads_no_font(language):
    _text, html = sending._render(Issue(subject="Weekly", introduction=""), language, [])
    assert not re.search(r"<link|@import|@font-face|url\(", html)
    stacks = set(re.findall(r"font-family:\s*([^;\"]+)", html))
    assert stacks, "the issue names no font"
    for stack in stacks:
        families = [name.strip().strip("'\"") for name in stack.split(",")]
        for family, _blocks in SCRIPTS.values():
            assert family in families, f"{language}: {family} is not in {stack}"
        assert families[-1] == "serif"
        if language == "ar":
            assert families[0] == "Noto Sans Arabic"
