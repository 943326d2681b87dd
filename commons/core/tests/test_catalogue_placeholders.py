"""A translation keeps every placeholder and every HTML tag of its msgid.

A dropped %(name)s loses a fact (or, positional, makes Python raise); a dropped or
altered <a href="%(url)s"> loses a link. For every entry of every catalogue in
LOCALE_PATHS, each msgstr must hold the same multiset of placeholders (%(name)s, %s,
%d, %%, {name}) and of tags (name and attributes, attribute values identical except
the ones a reader sees, such as title) as its msgid — for plural forms, as its
msgid_plural.

One allowance, the usual practice of plural forms: a form that only ever stands for one
number (Arabic's forms for 0, 1 and 2; none in French, whose singular covers 0 and 1)
may leave out the named count placeholder and say the number in words ("ساعتان", two
hours). A positional placeholder (%d) may never be left out: Python would raise "not
all arguments converted".
"""

import ast
import gettext
import re
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings

CATALOGUES = sorted(
    p for d in settings.LOCALE_PATHS for p in Path(d).glob("*/LC_MESSAGES/django.po")
)

PYTHON_FORMAT = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[#0 +-]*(?:\d+|\*)?(?:\.\d+)?[diouxXeEfFgGcrsa%]"
)
BRACE_FORMAT = re.compile(r"\{\w*\}")
TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>")
ATTRIBUTE = re.compile(r"([\w:-]+)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+))?")
# Attribute values a reader sees, so translated.
QUOTES = "\"'"
HUMAN_ATTRIBUTES = {"title", "alt", "aria-label", "placeholder"}
# Names a count placeholder goes by (blocktranslate count n=…, ngettext's count).
COUNT_NAMES = {"n", "count", "num", "number", "counter"}


def entries(path: Path) -> tuple[dict, list[dict]]:
    """(header, entries) of a .po file; each entry has its flags and msg… keys."""
    found, entry, key = [], {"flags": set()}, None
    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if not line:
            if "msgid" in entry:
                found.append(entry)
            entry, key = {"flags": set()}, None
        elif line.startswith("#,"):
            entry["flags"] |= {f.strip() for f in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry[key] += ast.literal_eval(line)
        else:
            key, _space, value = line.partition(" ")
            entry[key] = ast.literal_eval(value)
    header = next(e for e in found if e["msgid"] == "")
    return header, [e for e in found if e["msgid"]]


def placeholders(text: str, flags: set[str]) -> Counter:
    found = Counter()
    if "python-format" in flags:
        found.update(m.group(0) for m in PYTHON_FORMAT.finditer(text))
    if "python-brace-format" in flags or "python-format" not in flags:
        found.update(BRACE_FORMAT.findall(text))
    return found


def tags(text: str) -> Counter:
    found = Counter()
    for closing, name, rest in TAG.findall(text):
        attributes = []
        for attribute, value in ATTRIBUTE.findall(rest):
            if attribute.lower() in HUMAN_ATTRIBUTES:
                value = "…"
            attributes.append(f"{attribute.lower()}={value.strip(QUOTES)}")
        found[f"<{closing}{name.lower()}{''.join(' ' + a for a in sorted(attributes))}>"] += 1
    return found


def single_number_forms(header: dict) -> set[int]:
    """The plural forms that only ever stand for one number (0 to 1000 tried)."""
    match = re.search(r"plural=(.*?);?\s*$", header["msgstr"], re.MULTILINE)
    plural = gettext.c2py(match.group(1)) if match else (lambda n: int(n != 1))
    numbers = {}
    for n in range(1001):
        numbers.setdefault(plural(n), set()).add(n)
    return {form for form, ns in numbers.items() if len(ns) == 1}


def differences(expected: Counter, got: Counter, *, may_drop: Counter) -> list[str]:
    missing, extra = expected - got, got - expected
    missing -= may_drop
    return [f"missing {k!r}" for k in sorted(missing.elements())] + [
        f"extra {k!r}" for k in sorted(extra.elements())
    ]


def defects(path: Path) -> list[str]:
    header, messages = entries(path)
    single = single_number_forms(header)
    found = []
    for entry in messages:
        flags = entry["flags"]
        forms = {k: v for k, v in entry.items() if k.startswith("msgstr") and v}
        for key, msgstr in forms.items():
            index = int(key[7:-1]) if key != "msgstr" else None
            if index is None:
                source = entry["msgid"]
            else:
                # A language with one form uses it for every n: compare with the plural.
                source = entry["msgid"] if index == 0 and len(forms) > 1 else entry["msgid_plural"]
            expected = placeholders(source, flags)
            may_drop = Counter()
            if index is not None and index in single and len(forms) > 1:
                may_drop = Counter(
                    p
                    for p in expected
                    if PYTHON_FORMAT.fullmatch(p)
                    and (PYTHON_FORMAT.fullmatch(p).group("name") or "") in COUNT_NAMES
                )
            problems = differences(expected, placeholders(msgstr, flags), may_drop=may_drop)
            problems += differences(tags(source), tags(msgstr), may_drop=Counter())
            if problems:
                context = f" (context {entry['msgctxt']!r})" if "msgctxt" in entry else ""
                found.append(f"{entry['msgid']!r}{context} {key}: {', '.join(problems)}")
    return found


def test_it_finds_a_dropped_placeholder_and_an_altered_link(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : '
        'n%100>=3 && n%100<=10 ? 3 : n%100>=11 && n%100<=99 ? 4 : 5;\\n"\n\n'
        '#, python-format\nmsgid "Hello %(name)s, see <a href=\\"%(url)s\\">this</a>"\n'
        'msgstr "مرحبا، انظر <a href=\\"/x\\">هذا</a>"\n\n'
        '#, python-format\nmsgid "%(n)s hour"\nmsgid_plural "%(n)s hours"\n'
        'msgstr[0] "لا ساعات"\nmsgstr[1] "ساعة واحدة"\nmsgstr[2] "ساعتان"\n'
        'msgstr[3] "%(n)s ساعات"\nmsgstr[4] "%(n)s ساعة"\nmsgstr[5] "ساعة"\n\n'
        'msgid "{count} files"\nmsgstr "{count} {count} ملفات"\n',
        encoding="utf-8",
    )
    assert defects(po) == [
        "'Hello %(name)s, see <a href=\"%(url)s\">this</a>' msgstr: missing '%(name)s', "
        "missing '%(url)s', missing '<a href=%(url)s>', extra '<a href=/x>'",
        "'%(n)s hour' msgstr[5]: missing '%(n)s'",
        "'{count} files' msgstr: extra '{count}'",
    ]


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: f"{p.parts[-4]}/{p.parts[-3]}")
def test_every_translation_keeps_the_placeholders_and_tags_of_its_msgid(po):
    found = defects(po)
    assert not found, f"{po}:\n" + "\n".join(found)
