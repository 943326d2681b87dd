import re

from commons.lib.flowmap import Flow, anchors, render_flows, width
from commons.lib.worldmap import basemap


def test_every_drawn_country_and_the_small_ones_have_an_anchor():
    points = anchors()
    assert set(basemap()["countries"]) <= set(points)
    # Too small for the basemap, placed at their capitals: where they should be.
    singapore, hong_kong, thailand, china = points["SG"], points["HK"], points["TH"], points["CN"]
    assert singapore[1] > thailand[1] and abs(singapore[0] - thailand[0]) < 20
    assert hong_kong[1] > china[1] and hong_kong[0] > thailand[0]


def test_arcs_are_drawn_with_widths_by_count_and_safe_labels():
    flows = [
        Flow("MM", "TH", 1230),
        Flow("KH", "TH", 80, new=True),
        Flow("XX", "TH", 5),  # no such country: left out
        Flow("TH", "TH", 9),  # not a journey between countries
    ]
    svg = str(
        render_flows(
            flows,
            title="Routes <2023>",
            label=lambda f: f"{f.origin} → {f.destination}: {f.count} <b>",
            href=lambda code: f"/journeys/countries/{code}/",
            country_label=lambda code: code,
        )
    )
    arcs = re.findall(r'<path class="(flow[^"]*)" d="[^"]+" stroke-width="([\d.]+)">', svg)
    assert arcs == [("flow", f"{width(1230, 1230):.1f}"), ("flow new", f"{width(80, 1230):.1f}")]
    assert "MM → TH: 1230 &lt;b&gt;" in svg and "Routes &lt;2023&gt;" in svg
    assert svg.count('<a href="/journeys/countries/') == 3  # KH, MM, TH
    assert "XX" not in svg


def test_a_map_without_flows_is_just_the_basemap():
    svg = str(
        render_flows([], title="No routes", label=str, href=str, country_label=str, dom_id="empty")
    )
    assert 'id="empty"' in svg and "flow" not in svg.replace("flowmap", "")


def test_the_view_closes_in_on_the_region_of_the_flows():
    whole = basemap()["viewBox"]
    svg = str(
        render_flows([Flow("MM", "TH", 10)], title="t", label=str, href=str, country_label=str)
    )
    x, y, w, h = (float(n) for n in re.search(r'viewBox="([^"]+)"', svg)[1].split())
    full_w, full_h = (float(n) for n in whole.split()[2:])
    assert w < full_w / 2 and abs(w / h - full_w / full_h) < 0.01
    thailand = anchors()["TH"]
    assert x < thailand[0] < x + w and y < thailand[1] < y + h
    wide = str(
        render_flows([Flow("US", "NZ", 1)], title="t", label=str, href=str, country_label=str)
    )
    assert re.search(r'viewBox="([^"]+)"', wide)[1].split()[2] == f"{full_w:.1f}"


def test_a_standalone_picture_keeps_its_caption_inside_the_view():
    from commons.lib.flowmap import standalone

    svg = standalone(
        str(
            render_flows([Flow("MM", "TH", 10)], title="t", label=str, href=str, country_label=str)
        ),
        "Release 3 <draft>",
    )
    x, y, w, h = (float(n) for n in re.search(r'viewBox="([^"]+)"', svg)[1].split())
    text = re.search(r'<text x="([\d.]+)" y="([\d.]+)" font-size="([\d.]+)">([^<]+)</text>', svg)
    assert x < float(text[1]) < x + w and y < float(text[2]) < y + h
    assert float(text[3]) < h / 10 and text[4] == "Release 3 &lt;draft&gt;"
    assert re.search(r'<svg width="1000" height="\d+"', svg) and "<style>" in svg


def test_places_keep_their_size_on_screen_when_the_view_closes_in():
    def radius(flows):
        svg = str(render_flows(flows, title="t", label=str, href=str, country_label=str))
        view_width = float(re.search(r'viewBox="([^"]+)"', svg)[1].split()[2])
        return float(re.search(r'<circle [^>]* r="([\d.]+)"', svg)[1]) / view_width

    assert abs(radius([Flow("MM", "TH", 1)]) - radius([Flow("US", "NZ", 1)])) < 1e-4
