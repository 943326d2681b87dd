"""Every word a template shows a reader goes through translation.

Each template under commons/**/templates is cut into Django tokens; what a reader sees
outside {% translate %} and {% blocktranslate %} (text between tags, and the attributes
a screen or a screen reader shows: title, alt, placeholder, aria-label…) must hold no
words, only punctuation, numbers, variables and the few terms of ALLOWED_TERMS. The
.txt e-mail templates have no markup, so all their text is read.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.template.base import Lexer, TokenType

COMMONS = Path(__file__).resolve().parents[2]

# Words that are the same in every language, so are left outside translation. Keep this
# short: a term a translator might want to gloss or transliterate belongs in a msgid.
ALLOWED_TERMS = {
    "CSV",  # file format name, shown on download links
    "JSON",  # file format name
    "ICS",  # calendar file format name
    "XLSX",  # spreadsheet file format name
    "GeoJSON",  # map data file format name
    "SVG",  # image file format name
    "PNG",  # image file format name
    "ODK",  # Open Data Kit, a product name
    "KoBoToolbox",  # product name
    "Markdown",  # markup language name, shown beside text areas
    "htmx",  # library name
    "ε",  # differential privacy: the privacy-loss budget, a symbol the translated text defines
    "k",  # differential privacy: the smallest count shown, defined likewise
}

# Attributes whose value a reader sees or hears; the others (class, href, id…) are code.
HUMAN_ATTRIBUTES = {
    "title",
    "alt",
    "placeholder",
    "aria-label",
    "aria-description",
    "aria-roledescription",
    "aria-placeholder",
    "aria-valuetext",
    "hx-confirm",
    "hx-prompt",
    "data-confirm",
}
# Attributes a reader sees only on some elements.
HUMAN_ATTRIBUTES_OF = {
    "optgroup": {"label"},
    "option": {"label"},
    "track": {"label"},
}
BUTTON_TYPES = {"submit", "button", "reset"}
# Elements whose text is code the reader types or reads as is (column names, commands).
CODE = {"code", "kbd", "samp", "script", "style"}

# A variable ({{ … }}) stands for text translated elsewhere; a tag ({% … %}) for nothing.
VARIABLE = "\ue000"
WORD = re.compile(r"[^\W\d_]+")

OPENING = {"blocktranslate", "blocktrans", "comment", "verbatim"}
CLOSING = {"endblocktranslate", "endblocktrans", "endcomment", "endverbatim"}


def templates() -> list[Path]:
    return sorted(
        p
        for p in COMMONS.glob("**/templates/**/*")
        if p.suffix in {".html", ".txt"} and p.is_file()
    )


def visible_source(source: str) -> str:
    """The template with translated and commented passages blanked out, variables replaced
    by VARIABLE and other tags by a space; line breaks stay where they were."""
    out, depth = [], 0
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents.split() else ""
            if name in OPENING:
                depth += 1
            elif name in CLOSING:
                depth -= 1
            out.append(" ")
        elif depth:
            out.append("\n" * token.contents.count("\n"))
        elif token.token_type == TokenType.TEXT:
            out.append(token.contents)
        elif token.token_type == TokenType.VAR:
            out.append(VARIABLE)
        else:  # {# comment #}
            out.append(" ")
    return "".join(out)


def words(text: str) -> list[str]:
    return [w for w in WORD.findall(text) if w not in ALLOWED_TERMS]


class _Reader(HTMLParser):
    """Collects (line, text) for each passage or attribute value that holds words."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self.code = 0  # inside <code>, <script>…

    def _check(self, text: str, line: int):
        if words(text):
            first = WORD.search(text).start()
            line += text.count("\n", 0, first)
            self.found.append((line, " ".join(text.replace(VARIABLE, "{{…}}").split())))

    def handle_starttag(self, tag, attrs):
        if tag in CODE:
            self.code += 1
        attrs = dict(attrs)
        line = self.getpos()[0]
        human = HUMAN_ATTRIBUTES | HUMAN_ATTRIBUTES_OF.get(tag, set())
        if tag == "input" and (attrs.get("type") or "").lower() in BUTTON_TYPES:
            human = human | {"value"}
        if tag == "meta" and (attrs.get("name") or "").lower() == "description":
            human = human | {"content"}
        for name, value in attrs.items():
            if name in human and value:
                self._check(value, line)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in CODE:
            self.code -= 1

    def handle_endtag(self, tag):
        if tag in CODE and self.code:
            self.code -= 1

    def handle_data(self, data):
        if not self.code:
            self._check(data, self.getpos()[0])


def untranslated(source: str, *, markup: bool = True) -> list[tuple[int, str]]:
    """(line, text) of every passage of `source` a reader sees untranslated."""
    visible = visible_source(source)
    if not markup:
        return [
            (number, " ".join(line.replace(VARIABLE, "{{…}}").split()))
            for number, line in enumerate(visible.splitlines(), start=1)
            if words(line)
        ]
    reader = _Reader()
    reader.feed(visible)
    reader.close()
    return reader.found


def test_it_finds_text_and_attributes_left_outside_translation():
    source = (
        "{% load i18n %}<h1>{% translate 'Events' %}</h1>\n"
        '<p title="Edit {{ event }}">{% blocktranslate %}Hello {{ name }}{% endblocktranslate %}'
        " Read more <code>case_reference</code></p>\n"
        '<img alt="{% translate \'Map\' %}" src="a.png"> <input type="submit" value="Save">\n'
        "<script>const label = 'not for readers';</script>{% comment %}A note{% endcomment %}\n"
        '<meta name="description" content="About us"> <a href="/csv/">CSV</a> &middot; 42'
    )
    assert untranslated(source) == [
        (2, "Edit {{…}}"),
        (2, "Read more"),
        (3, "Save"),
        (5, "About us"),
    ]
    assert untranslated(
        "{% load i18n %}\nDear {{ name }},\n{% translate 'Bye' %}\n", markup=False
    ) == [(2, "Dear {{…}},")]


@pytest.mark.parametrize("path", templates(), ids=lambda p: str(p.relative_to(COMMONS)))
def test_every_word_of_the_template_is_translatable(path):
    found = untranslated(path.read_text(encoding="utf-8"), markup=path.suffix == ".html")
    where = path.relative_to(COMMONS)
    assert not found, "untranslated text:\n" + "\n".join(
        f"{where}:{line}: {text}" for line, text in found
    )
