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
