"""Build the offline world basemap used by commons.lib.worldmap.

Fetches the Natural Earth 1:110m countries TopoJSON from the npm package ``world-atlas``
(pinned below), decodes it, projects it with the Equal Earth projection, simplifies it and
writes one SVG path per country, keyed by ISO 3166-1 alpha-2, to
``commons/lib/data/world-110m.json``. The licence of world-atlas is copied next to it.

Run from anywhere with the project's interpreter (needs npm and network access):

    .venv/bin/python scripts/build-basemap.py

Change WORLD_ATLAS_VERSION, run the script and commit both output files.
"""

import json
import math
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import pycountry

WORLD_ATLAS_VERSION = "2.0.2"
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from commons.lib import worldmap  # noqa: E402  (the projection, shared with the flow map)

DEST = ROOT / "commons" / "lib" / "data"

PAD = 2  # viewBox units of empty margin around the land
TOLERANCE = 0.2  # Douglas-Peucker tolerance in viewBox units (applied per shared arc)

# Features without an ISO 3166-1 numeric id that still have a code in common use.
BY_NAME = {"Kosovo": "XK"}
# Left off the map: Antarctica has no directory entries and would take a sixth of the height.
EXCLUDE = {"AQ"}

Point = tuple[float, float, float, float]  # x, y in the viewBox; lon, lat


def fetch_package(workdir: Path) -> Path:
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("npm is required to fetch world-atlas")
    subprocess.run(  # noqa: S603 - fixed arguments
        [npm, "pack", "--silent", f"world-atlas@{WORLD_ATLAS_VERSION}"],
        cwd=workdir,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    (tgz,) = workdir.glob("world-atlas-*.tgz")
    with tarfile.open(tgz) as archive:
        archive.extractall(workdir, filter="data")
    return workdir / "package"


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Absolute lon/lat points of every arc (TopoJSON arcs are quantized and delta-encoded)."""
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        if transform is None:
            arcs.append([(float(p[0]), float(p[1])) for p in arc])
            continue
        (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
        x = y = 0
        points = []
        for dx, dy, *_ in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def _distance(p, a, b) -> float:
    (px, py, *_), (ax, ay, *_), (bx, by, *_) = p, a, b
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    if length2 == 0:
        return math.hypot(px - ax, py - ay)
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length2))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def douglas_peucker(points: list, tolerance: float) -> list:
    """Simplify a line of (x, y, ...) points, measuring deviation in x and y only."""
    if len(points) < 3:
        return points
    if points[0] == points[-1]:
        # A closed arc (an island): split at the point farthest from the start so both
        # halves keep their shape instead of collapsing onto a zero-length baseline.
        far = max(range(len(points)), key=lambda i: _distance(points[i], points[0], points[0]))
        first = douglas_peucker(points[: far + 1], tolerance)
        return first[:-1] + douglas_peucker(points[far:], tolerance)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        start, end = stack.pop()
        best, index = 0.0, -1
        for i in range(start + 1, end):
            d = _distance(points[i], points[start], points[end])
            if d > best:
                best, index = d, i
        if best > tolerance:
            keep[index] = True
            stack += [(start, index), (index, end)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def _jumps(points: list[Point]) -> list[int]:
    """Indices i where the line jumps across the antimeridian between points i and i + 1."""
    return [i for i in range(len(points) - 1) if abs(points[i + 1][2] - points[i][2]) > 180]


def simplify(points: list[Point]) -> list[Point]:
    """Douglas-Peucker on each stretch of an arc between antimeridian crossings, so the
    points on either side of a crossing (which lie on the ±180° meridian) are kept."""
    out: list[Point] = []
    start = 0
    for i in [*_jumps(points), len(points) - 1]:
        out += douglas_peucker(points[start : i + 1], TOLERANCE)
        start = i + 1
    return out


def cut_at_antimeridian(ring: list[Point], project) -> list[list[Point]]:
    """Natural Earth cuts polygons at ±180° but world-atlas rejoins them (d3 draws on the
    sphere): split a ring that crosses twice into one ring per side of the map, each closed
    along the map's edge."""
    jumps = _jumps(ring)
    if not jumps:
        return [ring]
    if len(jumps) != 2:
        sys.exit(f"a ring crosses the antimeridian {len(jumps)} times; only 2 is handled")
    closed = ring[:-1] if ring[0] == ring[-1] else ring
    first, second = jumps
    parts = [closed[first + 1 : second + 1], closed[second + 1 :] + closed[: first + 1]]
    rings = []
    for part in parts:
        side = math.copysign(180, part[0][2])
        (*_, start), (*_, end) = part[0], part[-1]
        steps = max(1, math.ceil(abs(start - end)))  # about one point per degree of the edge
        edge = [project(side, end + (start - end) * k / steps) for k in range(1, steps)]
        rings.append(part + edge)
    return rings


def _number(tenths: int) -> str:
    text = f"{tenths / 10:.1f}".removesuffix(".0")
    if text.startswith("0."):
        return text[1:]
    if text.startswith("-0."):
        return "-" + text[2:]
    return text


def _join(numbers: list[str]) -> str:
    """Numbers with the fewest separators SVG path grammar allows."""
    out = numbers[0]
    previous = numbers[0]
    for text in numbers[1:]:
        if not (text.startswith("-") or (text.startswith(".") and "." in previous)):
            out += " "
        out += text
        previous = text
    return out


def ring_path(ring: list[tuple[int, int]]) -> str:
    """An absolute moveto and relative linetos, in tenths of a viewBox unit."""
    (x0, y0), rest = ring[0], ring[1:]
    steps = []
    px, py = x0, y0
    for x, y in rest:
        steps += [_number(x - px), _number(y - py)]
        px, py = x, y
    return "M" + _join([_number(x0), _number(y0)]) + "l" + _join(steps) + "z"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        package = fetch_package(Path(tmp))
        topology = json.loads((package / "countries-110m.json").read_text())
        licence = (package / "LICENSE").read_text()

    features = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        fid, name = geometry.get("id"), geometry.get("properties", {}).get("name", "")
        country = pycountry.countries.get(numeric=fid) if fid else None
        code = country.alpha_2 if country else BY_NAME.get(name)
        if code in EXCLUDE:
            continue
        if geometry["type"] == "Polygon":
            polygons = [geometry["arcs"]]
        elif geometry["type"] == "MultiPolygon":
            polygons = geometry["arcs"]
        else:
            continue
        features.append((code, name, [ring for polygon in polygons for ring in polygon]))

    # Project and simplify each arc once, so borders shared by two countries stay identical.
    used = {i if i >= 0 else ~i for _, _, rings in features for ring in rings for i in ring}
    arcs = decode_arcs(topology)

    def project(lon: float, lat: float) -> Point:
        return (*worldmap.project(lon, lat), lon, lat)

    projected = {i: simplify([project(lon, lat) for lon, lat in arcs[i]]) for i in used}

    def ring_points(ring: list[int]) -> list[Point]:
        points: list[Point] = []
        for i in ring:
            arc = projected[i] if i >= 0 else projected[~i][::-1]
            points += arc[1:] if points else arc
        return points

    def cut(ring: list[Point]) -> list[list[Point]]:
        return cut_at_antimeridian(ring, project)

    resolved = [
        (code, name, [part for r in rings for part in cut(ring_points(r))])
        for code, name, rings in features
    ]
    xs = [p[0] for _, _, rings in resolved for ring in rings for p in ring]
    ys = [p[1] for _, _, rings in resolved for ring in rings for p in ring]
    left, top = min(xs) - PAD, min(ys) - PAD
    width, height = math.ceil(max(xs) - left + PAD), math.ceil(max(ys) - top + PAD)

    countries: dict[str, list[str]] = {}
    other: list[str] = []
    for code, name, rings in resolved:
        paths = []
        for ring in rings:
            tenths = [(round((p[0] - left) * 10), round((p[1] - top) * 10)) for p in ring]
            deduped = [p for j, p in enumerate(tenths) if j == 0 or p != tenths[j - 1]]
            while len(deduped) > 1 and deduped[-1] == deduped[0]:
                deduped.pop()
            if len(set(deduped)) >= 3:
                paths.append(ring_path(deduped))
        if not paths:
            print(f"skipped {code or name}: nothing left after simplification", file=sys.stderr)
        elif code:
            countries.setdefault(code, []).extend(paths)
        else:
            print(f"no ISO code for {name!r}: drawn as unlinked land", file=sys.stderr)
            other.extend(paths)

    data = {
        "viewBox": f"0 0 {width} {height}",
        "source": f"Natural Earth 1:110m via world-atlas {WORLD_ATLAS_VERSION} (public domain)",
        "projection": "Equal Earth",
        "countries": {code: "".join(countries[code]) for code in sorted(countries)},
        "other": "".join(other),
    }
    DEST.mkdir(parents=True, exist_ok=True)
    out = DEST / "world-110m.json"
    out.write_text(json.dumps(data, separators=(",", ":"), ensure_ascii=False) + "\n")
    (DEST / "WORLD-ATLAS-LICENSE.txt").write_text(
        f"world-atlas {WORLD_ATLAS_VERSION} (https://github.com/topojson/world-atlas)\n"
        "The geometry in world-110m.json is derived from world-atlas, which packages\n"
        "Natural Earth (https://www.naturalearthdata.com/) 1:110m Cultural Vectors.\n"
        "Natural Earth is in the public domain; world-atlas is distributed under the\n"
        "ISC licence below.\n\n" + licence
    )
    print(f"wrote {out.relative_to(ROOT)}: {len(countries)} countries, {out.stat().st_size} bytes")


if __name__ == "__main__":
    main()
