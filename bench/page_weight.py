"""How many bytes a first visit to a page costs, compressed as the server sends them.

Loads the demo data into a temporary SQLite database, renders the page for an anonymous
visitor with Django's test client (in English, or in the language of ``--language``),
finds the stylesheets and scripts it links, and gzips each (level 9, as whitenoise
pre-compresses static files). Web fonts are counted too: a browser downloads an
``@font-face`` of a linked stylesheet only for text in its ``unicode-range``, so a face
is counted, as its file is sent (WOFF2 is compressed already), when the page's text has
a character in that range. Text in ``<option>``s is left out: a browser measures a
closed menu with the select's font, which commons.css keeps to the page's own script.
Every weight of a face whose range is hit is counted, so fonts are an upper bound.
Prints each part and the total against the product target (the search page under
100 KB compressed, vendor files included).

    .venv/bin/python bench/page_weight.py [--language km] [/directory/ /directory/?view=map ...]
"""

import argparse
import gzip
import os
import re
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_KB = 100
DEFAULT_PAGES = ["/directory/", "/directory/?view=map", "/"]


class _Text(HTMLParser):
    """The characters a browser lays out in a page's own fonts (not scripts, styles or
    the options of a closed menu)."""

    SKIP = {"script", "style", "option", "title"}

    def __init__(self) -> None:
        super().__init__()
        self.chars: set[str] = set()
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        self._skipping += tag in self.SKIP

    def handle_endtag(self, tag):
        self._skipping -= tag in self.SKIP and self._skipping > 0

    def handle_data(self, data):
        if not self._skipping:
            self.chars.update(data)


def _font_faces(css: str, css_url: str) -> list[tuple[str, set[range]]]:
    """(static URL of the file, code point ranges) of each @font-face in a stylesheet."""
    faces = []
    for block in re.findall(r"@font-face\s*{([^}]*)}", css):
        src = re.search(r"url\(\s*[\"']?([^\"')]+)", block).group(1)
        url = os.path.normpath(os.path.join(os.path.dirname(css_url), src))
        spans = re.search(r"unicode-range:([^;]+)", block)
        ranges = set()
        for span in (spans.group(1) if spans else "U+0-10FFFF").split(","):
            first, _dash, last = span.strip().removeprefix("U+").partition("-")
            ranges.add(range(int(first, 16), int(last or first, 16) + 1))
        faces.append((url, ranges))
    return faces


def main(pages: list[str], language: str) -> None:
    var = tempfile.mkdtemp(prefix="commons-weight-")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="commons.settings",
        COMMONS_VAR_DIR=var,
        DEBUG="true",
        COMMONS_DEMO="true",
        DATABASE_URL="",
        ALLOWED_HOSTS="testserver",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.staticfiles import finders
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    call_command("demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    client = Client()
    print(f"{'page':<28} {'part':<60} {'raw KB':>8} {'gzip KB':>8}")
    for page in pages:
        html = client.get(page, headers={"accept-language": language}).content
        parts = [("(html)", html)]
        text = _Text()
        text.feed(html.decode())
        code_points = {ord(char) for char in text.chars}
        fonts = []
        for url in re.findall(rb'(?:href|src)="(/static/[^"]+\.(?:css|js))"', html):
            path = finders.find(url.decode().removeprefix("/static/"))
            parts.append((url.decode(), Path(path).read_bytes()))
            if url.endswith(b".css"):
                for font, ranges in _font_faces(parts[-1][1].decode(), url.decode()):
                    if any(point in span for span in ranges for point in code_points):
                        fonts.append((font, finders.find(font.removeprefix("/static/"))))
        total = 0
        for name, content in parts:
            compressed = len(gzip.compress(content, compresslevel=9))
            total += compressed
            print(f"{page:<28} {name:<60} {len(content) / 1024:8.1f} {compressed / 1024:8.1f}")
        for name, path in fonts:
            size = Path(path).stat().st_size
            total += size
            print(f"{page:<28} {name:<60} {size / 1024:8.1f} {size / 1024:8.1f}")
        if not fonts:
            print(f"{page:<28} {'(no web font: no text in their ranges)'}")
        verdict = "within" if total / 1024 <= TARGET_KB else "OVER"
        summary = f"{total / 1024:8.1f}  ({verdict} the {TARGET_KB} KB target)"
        print(f"{page:<28} {'TOTAL':<60} {'':>8} {summary}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="*", default=DEFAULT_PAGES, help="paths to weigh")
    parser.add_argument("--language", default="en", help="the visitor's Accept-Language")
    arguments = parser.parse_args()
    main(arguments.pages, arguments.language)
