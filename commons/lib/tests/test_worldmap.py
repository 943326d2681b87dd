import re
import xml.etree.ElementTree as ET

import pytest

from commons.lib import worldmap
from commons.lib.worldmap import legend, render_choropleth, unmapped

SVG = "{http://www.w3.org/2000/svg}"
MAJOR = "TH KH MY MM VN LA ID PH NP BD IN PK LK CN JP KR US CA MX BR AR NG ZA KE EG GB FR DE RU AU"


def render(counts, **kwargs):
    kwargs.setdefault("href", lambda code: f"/directory/?country={code}")
    kwargs.setdefault("title", "Organisations by country")
    kwargs.setdefault("label", lambda code: f"{code}: {counts[code]} organisations")
    return render_choropleth(counts, **kwargs)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output


def links(root: ET.Element) -> dict[str, ET.Element]:
    """href → <a> element."""
    return {a.get("href"): a for a in root.iter(f"{SVG}a")}


def subpaths(d: str) -> list[list[tuple[float, float]]]:
    """The absolute points of each ``M x y l dx dy … z`` subpath of a path."""
    numbers = re.compile(r"-?(?:\d+\.?\d*|\.\d+)")
    rings = []
    for subpath in re.findall(r"M[^Mz]*z", d):
        move, _, lines = subpath[1:-1].partition("l")
        x, y = (float(n) for n in numbers.findall(move))
        points = [(x, y)]
        deltas = [float(n) for n in numbers.findall(lines)]
        for dx, dy in zip(deltas[::2], deltas[1::2], strict=True):
            x, y = x + dx, y + dy
            points.append((x, y))
        rings.append(points)
    return rings


def bbox(d: str) -> tuple[float, float, float, float]:
    points = [point for ring in subpaths(d) for point in ring]
    xs, ys = [x for x, _ in points], [y for _, y in points]
    return min(xs), min(ys), max(xs), max(ys)


def centre(code: str) -> tuple[float, float]:
    left, top, right, bottom = bbox(worldmap.basemap()["countries"][code])
    return (left + right) / 2, (top + bottom) / 2


def test_the_basemap_covers_the_major_countries_and_stays_small():
    data = worldmap.basemap()
    assert set(MAJOR.split()) <= worldmap.mapped_countries()
    assert "XK" in data["countries"]  # Kosovo has no ISO numeric code but is drawn
    assert "AQ" not in data["countries"]
    assert len(data["countries"]) > 170
    assert data["source"].startswith("Natural Earth 1:110m via world-atlas ")
    assert worldmap.DATA.stat().st_size < 120_000
    assert (worldmap.DATA.parent / "WORLD-ATLAS-LICENSE.txt").read_text().count("ISC")


def test_the_basemap_is_north_up_east_right_and_inside_the_viewbox():
    _, _, width, height = map(float, worldmap.basemap()["viewBox"].split())
    assert 900 <= width <= 1100 and 400 <= height <= 550
    for code in worldmap.mapped_countries():
        left, top, right, bottom = bbox(worldmap.basemap()["countries"][code])
        assert 0 <= left < right <= width and 0 <= top < bottom <= height, code
    assert centre("US")[0] < centre("GB")[0] < centre("IN")[0] < centre("TH")[0] < centre("JP")[0]
    assert centre("NO")[1] < centre("TH")[1] < centre("ID")[1] < centre("AU")[1]
    assert centre("BR")[0] < centre("NG")[0]
    # Russia and Fiji cross the antimeridian: each is cut into parts at the map's left and
    # right edges, not drawn as one shape stretched across the world.
    for code, widest in (("RU", 450), ("FJ", 10)):
        rings = subpaths(worldmap.basemap()["countries"][code])
        assert min(x for ring in rings for x, _ in ring) < 200, code
        assert max(x for ring in rings for x, _ in ring) > 800, code
        for ring in rings:
            assert max(x for x, _ in ring) - min(x for x, _ in ring) < widest, code


def test_only_countries_with_organisations_are_links():
    counts = {"TH": 12, "KH": 3, "la": 1, "MM": 0, "FR": None, "SG": 4, "ZZ": 9}
    root = parse(render(counts, label=lambda code: f"{code} label"))
    found = links(root)
    assert set(found) == {f"/directory/?country={code}" for code in ("TH", "KH", "LA")}
    assert found["/directory/?country=TH"].find(f"{SVG}title").text == "TH label"
    assert found["/directory/?country=TH"].find(f"{SVG}path").get("d").startswith("M")
    assert unmapped(counts) == {"SG": 4, "ZZ": 9}


def test_an_empty_directory_draws_a_plain_image():
    root = parse(render({}))
    assert not links(root)
    assert root.get("role") == "img"
    assert {path.get("class") for path in root.iter(f"{SVG}path")} == {"q-none"}
    assert legend({}) == [("q-none", 0, 0)]


def test_the_map_is_labelled_and_parses_as_xml():
    root = parse(render({"TH": 1}, title="Organisations by country", dom_id="map-1"))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "group"  # role="img" would hide the links from screen readers
    assert root.get("aria-labelledby") == "map-1-title"
    assert root.find(f"{SVG}title").get("id") == "map-1-title"
    assert root.find(f"{SVG}title").text == "Organisations by country"
    assert root.get("viewBox") == worldmap.basemap()["viewBox"]


def test_hostile_labels_hrefs_and_titles_are_escaped():
    hostile = '"><script>alert(1)</script><a href="javascript:x'
    svg = render(
        {"TH": 5},
        href=lambda code: hostile,
        label=lambda code: "</title><script>alert(2)</script>&amp;",
        title="<script>alert(3)</script>",
    )
    assert "<script" not in svg
    root = parse(svg)
    (link,) = root.iter(f"{SVG}a")
    assert link.get("href") == hostile
    assert link.find(f"{SVG}title").text == "</title><script>alert(2)</script>&amp;"
    assert root.find(f"{SVG}title").text == "<script>alert(3)</script>"
    assert not any(el.tag.endswith("script") for el in root.iter())


def classes_in(svg: str) -> dict[str, str]:
    """href code → class of the linked path."""
    return {
        href.rsplit("=", 1)[1]: a.find(f"{SVG}path").get("class")
        for href, a in links(parse(svg)).items()
    }


def test_quantile_classes_split_countries_into_fifths():
    codes = ["TH", "KH", "MY", "MM", "VN", "LA", "ID", "PH", "NP", "BD"]
    counts = {code: n for n, code in enumerate(codes, start=1)}  # 1..10
    expected = {code: f"q{(n - 1) // 2}" for code, n in counts.items()}
    assert worldmap.classes(counts) == expected
    assert classes_in(render(counts)) == expected
    assert legend(counts) == [
        ("q-none", 0, 0),
        ("q0", 1, 2),
        ("q1", 3, 4),
        ("q2", 5, 6),
        ("q3", 7, 8),
        ("q4", 9, 10),
    ]


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ({"TH": 7}, {"TH": "q0"}),  # one country: the lightest class
        ({"TH": 2, "KH": 2, "LA": 2}, {"TH": "q0", "KH": "q0", "LA": "q0"}),  # ties share
        ({"TH": 100, "KH": 1}, {"TH": "q2", "KH": "q0"}),  # q⌊5·1/2⌋
        (
            {"TH": 1, "KH": 1, "LA": 1, "MM": 2, "VN": 50},
            {"TH": "q0", "KH": "q0", "LA": "q0", "MM": "q3", "VN": "q4"},
        ),
    ],
)
def test_quantile_classes_for_small_and_tied_counts(counts, expected):
    assert worldmap.classes(counts) == expected
    assert classes_in(render(counts)) == expected


def test_legend_lists_only_classes_that_are_used():
    counts = {"TH": 1, "KH": 1, "LA": 1, "MM": 2, "VN": 50, "SG": 1000}
    assert legend(counts) == [("q-none", 0, 0), ("q0", 1, 1), ("q3", 2, 2), ("q4", 50, 50)]


def test_selected_countries_are_marked_and_outlined():
    counts = {"TH": 3, "KH": 1}
    root = parse(render(counts, selected={"th", "BR"}))
    found = links(root)
    th = found["/directory/?country=TH"]
    assert th.get("aria-current") == "true"
    assert th.find(f"{SVG}path").get("class") == "q2 selected"
    assert found["/directory/?country=KH"].get("aria-current") is None
    paths = list(root.iter(f"{SVG}path"))
    # A selected country without organisations is marked but not a link.
    assert "q-none selected" in [path.get("class") for path in paths]
    outlines = [path for path in paths if path.get("class") == "selected-outline"]
    assert len(outlines) == 2
    assert paths[-2:] == outlines  # drawn last, above the neighbours


def test_links_are_in_label_order_for_keyboard_users():
    counts = {"TH": 1, "KH": 1, "VN": 1}
    names = {"TH": "Thailand", "KH": "Cambodia", "VN": "Viet Nam"}
    root = parse(render(counts, label=names.__getitem__))
    assert [a.find(f"{SVG}title").text for a in root.iter(f"{SVG}a")] == [
        "Cambodia",
        "Thailand",
        "Viet Nam",
    ]
