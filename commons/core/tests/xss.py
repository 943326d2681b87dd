"""A corpus of cross-site scripting payloads and a checker that the HTML showing them is inert.

`PAYLOADS` are the classic attacks a member could type into any free-text field (plain
HTML, Markdown links, attribute break-outs, entity and unicode obfuscation, mutation XSS,
template injection). `assert_inert(html)` parses a page or an e-mail and fails on anything
a browser or a mail program would execute. Tests put `ALL_PAYLOADS` (every payload in one
string) into a field and check each page that shows it.
"""

import html as html_module
import re
from html.parser import HTMLParser

PAYLOADS = [
    "<script>alert(1)</script>",
    "<ScRiPt>alert(1)</sCrIpT>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<body onload=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    '<a href=" JaVaScRiPt:alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "![x](javascript:alert(1))",
    "[x](data:text/html,<script>alert(1)</script>)",
    "<javascript:alert(1)>",
    "[x][evil]\n\n[evil]: javascript:alert(1)\n",
    '"><script>alert(1)</script>',
    "'onmouseover='alert(1)'",
    '" onfocus="alert(1)" autofocus="',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<object data="javascript:alert(1)"></object><embed src="javascript:alert(1)">',
    "<style>@import 'https://evil.example/x.css';</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<form action="javascript:alert(1)"><button formaction="javascript:alert(1)">x</button>',
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "\uff1cscript\uff1ealert(1)\uff1c/script\uff1e",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '{{ "injected"|add:"-by-template" }}',
    "{% debug %}",
    "${7*7}",
]

ALL_PAYLOADS = "\n\n".join(PAYLOADS)

# What template injection would print if a field were ever rendered as a template.
# (Not a number: a random token on the page could hold any short run of digits.)
TEMPLATE_INJECTION_SIGNS = ["injected-by-template", "sql_queries", "DEFAULT_MESSAGE_LEVELS"]

URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "poster",
    "background",
    "cite",
    "srcset",
}
FORBIDDEN_ELEMENTS = {"iframe", "object", "embed", "applet", "frame", "frameset", "base"}
DATA_BLOCK_TYPES = {"application/json", "application/ld+json"}
SAFE_DATA_URL = re.compile(r"data:image/(png|jpeg|gif|webp);")


def dangerous_url(value: str) -> bool:
    """Whether a URL would run script, after the clean-up a browser applies to it."""
    # Browsers drop ASCII whitespace and control characters anywhere in the scheme.
    url = "".join(ch for ch in html_module.unescape(value) if ord(ch) > 0x20).lower()
    if url.startswith(("javascript:", "vbscript:")):
        return True
    return url.startswith("data:") and not SAFE_DATA_URL.match(url)


def _refreshes_to_script(content: str) -> bool:
    found = re.search(r"url\s*=", content, re.I)
    return found is not None and dangerous_url(content[found.end() :].strip("'\" "))


class _Inspector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.open: list[str] = []
        self.srcdocs: list[str] = []

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self.handle_endtag(tag)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        in_head = "head" in self.open
        where = f"<{tag} {' '.join(f'{k}={v!r}' for k, v in attrs)}>"
        if tag not in {"meta", "link", "br", "img", "input", "hr", "source"}:
            self.open.append(tag)
        if tag == "script":
            src = attributes.get("src") or ""
            # A JSON data block (json_script) is not run; a "</script>" inside it would end
            # it early and the rest would be inspected as HTML.
            data_block = attributes.get("type") in DATA_BLOCK_TYPES and not src
            if not data_block and (not src.startswith("/static/") or "//" in src):
                self.problems.append(f"a script that is not the site's own: {where}")
        elif tag == "style" and not in_head:
            self.problems.append(f"a style element outside the page's head: {where}")
        elif tag in {"link", "meta"} and not in_head:
            self.problems.append(f"a {tag} element outside the page's head: {where}")
        elif tag == "iframe" and self._is_preview(attributes):
            self.srcdocs.append(attributes["srcdoc"] or "")
        elif tag in FORBIDDEN_ELEMENTS:
            self.problems.append(f"a {tag} element: {where}")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.problems.append(f"an event handler attribute: {where}")
            elif name in URL_ATTRIBUTES and dangerous_url(value):
                self.problems.append(f"a script URL in {name}: {where}")
            elif name == "srcdoc" and tag != "iframe":
                self.problems.append(f"a srcdoc attribute: {where}")
            elif name == "style" and re.search(r"url\(|expression\(|@import|script:", value, re.I):
                self.problems.append(f"a style attribute that loads or runs something: {where}")
            elif tag == "meta" and name == "content" and _refreshes_to_script(value):
                self.problems.append(f"a meta refresh to a script URL: {where}")

    def _is_preview(self, attributes) -> bool:
        if "srcdoc" not in attributes:
            return False
        if "sandbox" not in attributes or "allow-scripts" in (attributes["sandbox"] or "").split():
            self.problems.append("an iframe with srcdoc that is not sandboxed without scripts")
        return True

    def handle_endtag(self, tag):
        if tag in self.open:
            while self.open and self.open.pop() != tag:
                pass


def problems_in(html: str) -> list[str]:
    """Everything in `html` (and in a sandboxed preview's srcdoc) that would execute."""
    inspector = _Inspector()
    inspector.feed(html)
    inspector.close()
    problems = list(inspector.problems)
    for document in inspector.srcdocs:
        problems += [f"in the preview: {problem}" for problem in problems_in(document)]
    problems += [
        f"template injection was evaluated ({sign!r} appears)"
        for sign in TEMPLATE_INJECTION_SIGNS
        if sign in html
    ]
    return problems


def assert_inert(html: str | bytes, where: str = "") -> None:
    """Fail when `html` holds an element, attribute or URL that would run script."""
    if isinstance(html, bytes):
        html = html.decode()
    problems = problems_in(html)
    assert not problems, f"{where or 'the HTML'} is not inert:\n" + "\n".join(problems)
