"""A server-rendered world choropleth: inline SVG, no JavaScript and no tile server.

The basemap (commons/lib/data/world-110m.json) is built by scripts/build-basemap.py from
Natural Earth 1:110m. Countries too small for that scale (Singapore, Hong Kong, Bahrain,
the Maldives…) are not drawn: use :func:`unmapped` to list their counts next to the map.

Classes: countries on the map with a positive count are split into quantile classes
``q0`` (fewest) … ``q4`` (most). With ``n`` such countries, a country whose count is
larger than ``r`` of theirs gets ``q⌊5r/n⌋``, so equal counts share a class and the smallest
count is always ``q0``. Countries with no count, and land without an ISO code, get ``q-none``.
Styles are in static/css/worldmap.css.
"""

import json
import math
from bisect import bisect_left
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

DATA = Path(__file__).resolve().parent / "data" / "world-110m.json"
# The basemap's projection and width (scripts/build-basemap.py draws it with them; the
# flow map places countries too small to draw with them).
PROJECTION_WIDTH = 1000
# Equal Earth (Šavrič, Patterson & Jenny 2018).
A1, A2, A3, A4 = 1.340264, -0.081106, 0.000893, 0.003796
M = math.sqrt(3) / 2
CLASSES = 5
NONE = "q-none"


def equal_earth(lon: float, lat: float) -> tuple[float, float]:
    lam, phi = math.radians(lon), math.radians(lat)
    theta = math.asin(M * math.sin(phi))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = lam * math.cos(theta) / (M * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2)))
    y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2))
    return x, -y  # SVG's y axis points down


def project(lon: float, lat: float) -> tuple[float, float]:
    """A place in the basemap's units, before the margin the build script trims off."""
    x, y = equal_earth(lon, lat)
    scale = PROJECTION_WIDTH / (2 * equal_earth(180, 0)[0])
    return x * scale, y * scale


@cache
def basemap() -> dict:
    """{"viewBox": ..., "source": ..., "countries": {alpha-2: SVG path}, "other": SVG path}."""
    return json.loads(DATA.read_text(encoding="utf-8"))


def mapped_countries() -> frozenset[str]:
    """The ISO 3166-1 alpha-2 codes (plus XK for Kosovo) drawn on the map."""
    return frozenset(basemap()["countries"])


def _positive(counts: dict[str, int]) -> dict[str, int]:
    shapes = basemap()["countries"]
    normalised = ((code.upper(), count) for code, count in counts.items())
    return {code: count for code, count in normalised if code in shapes and (count or 0) > 0}


def classes(counts: dict[str, int]) -> dict[str, str]:
    """The quantile class (``q0``..``q4``) of every drawn country with a positive count."""
    positive = _positive(counts)
    values = sorted(positive.values())
    return {
        code: f"q{CLASSES * bisect_left(values, count) // len(values)}"
        for code, count in positive.items()
    }


def legend(counts: dict[str, int]) -> list[tuple[str, int, int]]:
    """(class, smallest count, largest count) for ``q-none`` and every non-empty class."""
    positive = _positive(counts)
    ranges: dict[str, tuple[int, int]] = {}
    for code, cls in classes(counts).items():
        low, high = ranges.get(cls, (positive[code], positive[code]))
        ranges[cls] = (min(low, positive[code]), max(high, positive[code]))
    entries = [(NONE, 0, 0)]
    entries += [(cls, *ranges[cls]) for cls in sorted(ranges, key=lambda c: int(c[1:]))]
    return entries


def unmapped(counts: dict[str, int]) -> dict[str, int]:
    """Counts for countries that are too small for the map (or unknown codes)."""
    shapes = basemap()["countries"]
    return {code: n for code, n in counts.items() if (n or 0) > 0 and code.upper() not in shapes}


def _join(parts: Iterable[str]) -> SafeString:
    return mark_safe("".join(parts))  # noqa: S308 - every part comes from format_html


def render_choropleth(
    counts: dict[str, int],
    *,
    href: Callable[[str], str],
    title: str,
    label: Callable[[str], str],
    selected: Iterable[str] = frozenset(),
    dom_id: str = "worldmap",
) -> SafeString:
    """The map as an inline SVG string, safe to output in a template.

    Every country with a positive count is a link to ``href(code)`` named ``label(code)``
    (e.g. "Thailand: 12 organisations"; the caller translates it); links are ordered by
    label, so keyboard users tab through them alphabetically. Countries in ``selected``
    get the class ``selected`` (and the link ``aria-current``), plus an outline drawn on
    top of their neighbours. ``dom_id`` must be unique in the page if it has two maps.
    """
    data = basemap()
    shapes = data["countries"]
    cls = classes(counts)
    chosen = {code.upper() for code in selected} & shapes.keys()

    background = [data.get("other", "")]
    background += [shapes[c] for c in sorted(shapes) if c not in cls and c not in chosen]
    parts = [format_html('<path class="{}" d="{}"/>', NONE, "".join(background))]
    for code in sorted(chosen - cls.keys()):
        parts.append(format_html('<path class="{} selected" d="{}"/>', NONE, shapes[code]))

    links = sorted((str(label(code)), code) for code in cls)
    for name, code in links:
        css = f"{cls[code]} selected" if code in chosen else cls[code]
        parts.append(
            format_html(
                '<a href="{}"{}><title>{}</title><path class="{}" d="{}"/></a>',
                href(code),
                mark_safe(' aria-current="true"') if code in chosen else "",
                name,
                css,
                shapes[code],
            )
        )
    for code in sorted(chosen):
        parts.append(format_html('<path class="selected-outline" d="{}"/>', shapes[code]))

    title_id = f"{dom_id}-title"
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" id="{}" class="worldmap" viewBox="{}" '
        # role="img" would hide the links inside from assistive technology.
        'role="{}" aria-labelledby="{}"><title id="{}">{}</title>{}</svg>',
        dom_id,
        data["viewBox"],
        "group" if links else "img",
        title_id,
        title_id,
        title,
        _join(parts),
    )
