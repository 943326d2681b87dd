"""No template, stylesheet or script loads anything from another site: fonts, scripts,
images and styles are all served by the platform itself (the browser test in
``test_browser_origins`` checks the pages as they load; this one reads every file, e-mails
included, in a fraction of a second)."""

import re
from pathlib import Path
from urllib.parse import urlsplit

import commons

ROOT = Path(commons.__file__).parent

# Hosts a person may be sent to by clicking a link (<a href>); nothing is loaded from them.
CLICKED_LINK_HOSTS: set[str] = set()

# Names, not addresses: XML namespaces are never fetched.
NAMESPACES = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}

URL = r"https?://[^\s\"'()<>]+"
# In an attribute or url(), a protocol-relative address ("//cdn...") loads from elsewhere too.
REMOTE = r"(?:https?:)?//[^\s\"'()<>]+"
# An attribute that makes the browser fetch (or send a form to) its value.
LOADING_ATTRIBUTE = re.compile(
    rf"\b(src|srcset|href|action|formaction|poster|data|background|content)\s*=\s*[\"']?\s*({REMOTE})",
    re.IGNORECASE,
)
CSS_URL = re.compile(rf"(?:url\(\s*[\"']?|@import\s+[\"'])\s*({REMOTE})", re.IGNORECASE)
ANCHOR = re.compile(r"<a\b[^>]*>", re.IGNORECASE | re.DOTALL)


def _templates() -> list[Path]:
    return sorted(
        path
        for path in ROOT.rglob("*")
        if path.is_file() and "templates" in path.relative_to(ROOT).parts
    )


def _static(*suffixes: str) -> list[Path]:
    return sorted(
        path
        for path in ROOT.rglob("*")
        if path.is_file() and path.suffix in suffixes and "static" in path.relative_to(ROOT).parts
    )


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def foreign_loads_in_template(text: str) -> list[tuple[int, str]]:
    """The absolute URLs a template would make the browser load or post to."""
    clicked = {
        match.start(2) + anchor.start()
        for anchor in ANCHOR.finditer(text)
        for match in LOADING_ATTRIBUTE.finditer(anchor.group())
        if match.group(1).lower() == "href"
        and urlsplit(match.group(2)).hostname in CLICKED_LINK_HOSTS
    }
    found = [
        (match.start(2), match.group(2))
        for match in LOADING_ATTRIBUTE.finditer(text)
        if match.start(2) not in clicked
    ]
    found += [(match.start(1), match.group(1)) for match in CSS_URL.finditer(text)]
    return [(_line(text, offset), url) for offset, url in found if url not in NAMESPACES]


def foreign_urls_in_asset(text: str) -> list[tuple[int, str]]:
    """Every absolute URL in a stylesheet or script: neither has a reason to name one."""
    return [
        (_line(text, match.start()), match.group())
        for match in re.finditer(URL, text)
        if match.group() not in NAMESPACES
    ]


def test_the_scan_sees_the_files_and_recognises_a_third_party_load():
    assert len(_templates()) > 100
    assert any(path.name == "commons.css" for path in _static(".css"))
    assert foreign_loads_in_template(
        '<link rel="stylesheet"\n href="https://fonts.googleapis.com/css?family=Inter">'
    ) == [(2, "https://fonts.googleapis.com/css?family=Inter")]
    assert foreign_loads_in_template("<script src='http://cdn.example.net/x.js'></script>")
    assert foreign_loads_in_template('<img src="https://t.example.net/pixel.gif">')
    assert foreign_loads_in_template('<script src="//cdn.example.net/x.js"></script>')
    assert foreign_loads_in_template('<style>@import "https://cdn.example.net/a.css";</style>')
    assert foreign_loads_in_template('<div style="background: url(https://x.example.net/a.png)">')
    assert foreign_loads_in_template('<svg xmlns="http://www.w3.org/2000/svg"></svg>') == []
    assert foreign_loads_in_template('<a href="{{ site_url }}/news/">') == []
    assert foreign_urls_in_asset('fetch("https://stats.example.net/collect")')


def test_only_listed_sites_may_be_linked_to(monkeypatch):
    link = '<a class="doc" href="https://docs.example.org/guide">guide</a>'
    assert foreign_loads_in_template(link)
    monkeypatch.setattr(
        "commons.core.tests.test_third_party_urls.CLICKED_LINK_HOSTS", {"docs.example.org"}
    )
    assert foreign_loads_in_template(link) == []
    # A listed site still may not serve an image or a script.
    assert foreign_loads_in_template('<img src="https://docs.example.org/logo.png">')


def test_no_template_loads_anything_from_another_site():
    found = [
        f"{path.relative_to(ROOT)}:{line}: {url}"
        for path in _templates()
        for line, url in foreign_loads_in_template(path.read_text(errors="replace"))
    ]
    assert found == []


def test_no_stylesheet_or_script_names_another_site():
    found = [
        f"{path.relative_to(ROOT)}:{line}: {url}"
        for path in _static(".css", ".js", ".mjs", ".svg")
        for line, url in foreign_urls_in_asset(path.read_text(errors="replace"))
    ]
    assert found == []
