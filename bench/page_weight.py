"""How many bytes a first visit to a page costs, compressed as the server sends them.

Loads the demo data into a temporary SQLite database, renders the page for an anonymous
visitor with Django's test client, finds the stylesheets and scripts it links, and
gzips each (level 9, as whitenoise pre-compresses static files). Prints each part and
the total against the product target (the search page under 100 KB compressed, vendor
files included).

    .venv/bin/python bench/page_weight.py [/directory/ /directory/?view=map ...]
"""

import gzip
import os
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_KB = 100
DEFAULT_PAGES = ["/directory/", "/directory/?view=map", "/"]


def main(pages: list[str]) -> None:
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
    print(f"{'page':<28} {'part':<40} {'raw KB':>8} {'gzip KB':>8}")
    for page in pages:
        html = client.get(page).content
        parts = [("(html)", html)]
        for url in re.findall(rb'(?:href|src)="(/static/[^"]+\.(?:css|js))"', html):
            path = finders.find(url.decode().removeprefix("/static/"))
            parts.append((url.decode(), Path(path).read_bytes()))
        total = 0
        for name, content in parts:
            compressed = len(gzip.compress(content, compresslevel=9))
            total += compressed
            print(f"{page:<28} {name:<40} {len(content) / 1024:8.1f} {compressed / 1024:8.1f}")
        verdict = "within" if total / 1024 <= TARGET_KB else "OVER"
        summary = f"{total / 1024:8.1f}  ({verdict} the {TARGET_KB} KB target)"
        print(f"{page:<28} {'TOTAL':<40} {'':>8} {summary}")


if __name__ == "__main__":
    main(sys.argv[1:] or DEFAULT_PAGES)
