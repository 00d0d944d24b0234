"""The server-side SVG charts of rank stacks and results × drivers: well-formed, accessible, no
scripts or inline styles, every figure also written as text."""
import xml.etree.ElementTree as ET

from markupsafe import Markup

from dualdash.charts.bars import MAX_LABEL, Bar, bar_chart
from dualdash.charts.quadrants import Dot, quadrant_chart

NS = "{http://www.w3.org/2000/svg}"


def parse(markup):
    assert isinstance(markup, Markup)
    assert "<script" not in markup and "style=" not in markup
    return ET.fromstring(str(markup))


def texts(svg):
    return ["".join(t.itertext()) for t in svg.iter(f"{NS}text")]


def test_bar_chart():
    svg = parse(bar_chart([
        Bar("Pete <Peer> & co", 50, "50", "exceeds", "Exceeds"),
        Bar("You (Mo)", 18, "18", "meets", "Meets", highlight=True),
        Bar("Nobody", -5, "-5", None, "No band"),
        Bar("Support", None, note="hidden: fewer than 3 people"),
    ], title="Rank stack of Calls", description="4 rows", chart_id="c1"))
    assert svg.get("role") == "img" and svg.get("aria-labelledby") == "c1-title c1-desc"
    assert svg.find(f"{NS}title").text == "Rank stack of Calls"
    found = texts(svg)
    assert "Pete <Peer> & co" in found and "50 · Exceeds" in found and "18 · Meets" in found
    assert "-5 · No band" in found and "hidden: fewer than 3 people" in found
    rects = svg.findall(f".//{NS}rect")
    assert [r.get("class") for r in rects] == ["bar band-exceeds", "bar band-meets", "bar band-none"]
    widths = [float(r.get("width")) for r in rects]
    assert widths[0] > widths[1] > 0 and widths[2] > 0
    # A negative bar starts left of the zero line, where the others start.
    assert float(rects[2].get("x")) < float(rects[0].get("x")) == float(rects[1].get("x"))
    assert [g.get("class") for g in svg.findall(f"{NS}g")] == ["bar-row", "bar-row you", "bar-row", "bar-row"]


def test_bar_chart_long_labels_and_no_rows():
    svg = parse(bar_chart([Bar("A" * 60, 1, "1", "fails", "Fails")], title="t"))
    # Cut to what fits before the bars, measured conservatively.
    assert texts(svg)[0] == "A" * (MAX_LABEL - 1) + "…" and 20 <= MAX_LABEL < 30
    assert parse(bar_chart([], title="empty")).find(f"{NS}title").text == "empty"


def test_quadrant_chart():
    corners = {"top_left": "Building", "top_right": "Sustainable", "bottom_left": "Needs support",
               "bottom_right": "At risk"}
    svg = parse(quadrant_chart(
        [Dot("Mo & Co", 1.8, 0.9, "/people/1/scorecard?a=1&b=2", title="Mo: 180%", css_class="quadrant-sustainable"),
         Dot("Ian", 5.0, -1, "/people/2/scorecard")],
        title="Results × drivers", description="2 people", corners=corners, x_split=1.0, x_max=2.0,
        x_label="KPI attainment", y_label="Drivers", x_ticks=[(0, "0%"), (1, "100%"), (2, "200%")],
        y_ticks=[(0, "1"), (1, "5")], chart_id="q"))
    # A group, so that its links stay reachable (an image hides its content).
    assert svg.get("role") == "group" and svg.find(f"{NS}title").text == "Results × drivers"
    assert set(corners.values()) <= set(texts(svg))
    links = svg.findall(f"{NS}a")
    assert [a.get("href") for a in links] == ["/people/1/scorecard?a=1&b=2", "/people/2/scorecard"]
    assert [a.find(f"{NS}title").text for a in links] == ["Mo: 180%", "Ian"]
    assert links[0].find(f"{NS}circle").get("class") == "dot quadrant-sustainable"
    # Points outside the axes are drawn on the edge: Ian at the far right, on the bottom line.
    ian = links[1].find(f"{NS}circle")
    dividers = [line for line in svg.findall(f"{NS}line") if line.get("class") == "divider"]
    vertical = dividers[0]
    mo = links[0].find(f"{NS}circle")
    assert float(mo.get("cx")) > float(vertical.get("x1"))
    assert float(ian.get("cx")) > float(mo.get("cx"))
    assert float(ian.get("cy")) > float(mo.get("cy"))
    assert [r.get("class") for r in svg.findall(f"{NS}rect")] == [
        "quadrant quadrant-top-left", "quadrant quadrant-top-right", "quadrant quadrant-bottom-left",
        "quadrant quadrant-bottom-right"]
