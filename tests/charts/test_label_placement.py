"""Chart labels never collide: the labels the results × drivers chart draws, measured as the chart measures
them, overlap neither each other nor any point, and stay inside the chart, also with 50 people or with many
people on the very same spot (then the points are numbered, with a key). The driver trend's legend and the
rank stack's rows fit their chart too."""
import datetime
import random
import re
import xml.etree.ElementTree as ET

import pytest

from dualdash.charts import quadrants
from dualdash.charts.bars import Bar, bar_chart
from dualdash.charts.driver_trend import TrendPoint, driver_trend
from dualdash.charts.labels import Box, marker_box, place_labels, text_box
from dualdash.charts.quadrants import Dot, quadrant_chart

NS = "{http://www.w3.org/2000/svg}"
CORNERS = {"top_left": "Building", "top_right": "Sustainable", "bottom_left": "Needs support",
           "bottom_right": "At risk"}


def chart(dots):
    """The chart's markup split into its SVG (parsed) and the key after it (the names, or None)."""
    markup = str(quadrant_chart(dots, title="Results × drivers", description="", corners=CORNERS, x_split=1.0,
                                x_max=2.0, x_label="KPI attainment", y_label="Drivers"))
    svg, _, rest = markup.partition("</svg>")
    key = re.findall(r"<li>(.*?)</li>", rest) if rest else None
    return ET.fromstring(svg + "</svg>"), key


def view_box(svg):
    _, _, width, height = map(float, svg.get("viewBox").split())
    return Box(0, 0, width, height)


def drawn_labels(svg):
    """Each point label's box, from where the chart wrote it."""
    return [(t.text, text_box(t.text, float(t.get("x")), float(t.get("y")), t.get("text-anchor"),
                              quadrants.LABEL_FONT))
            for t in svg.iter(f"{NS}text") if t.get("class") == "dot-label"]


def markers(svg):
    return [marker_box(float(c.get("cx")), float(c.get("cy")), float(c.get("r")))
            for c in svg.iter(f"{NS}circle")]


def assert_no_collision(svg):
    labels, dots = drawn_labels(svg), markers(svg)
    frame = view_box(svg)
    for i, (text, box) in enumerate(labels):
        assert box.inside(frame), f"{text!r} runs out of the chart: {box}"
        for other_text, other in labels[i + 1:]:
            assert not box.overlaps(other), f"{text!r} overlaps {other_text!r}"
        for dot in dots:
            assert not box.overlaps(dot), f"{text!r} covers a point"
    return labels


def people(count, seed=14):
    generator = random.Random(seed)
    return [Dot(f"Person {n} {generator.choice(['Li', 'Okonkwo-Smith', 'de la Cruz'])}",
                generator.uniform(0.6, 1.4), generator.uniform(0.3, 0.7), f"/people/{n}/scorecard")
            for n in range(1, count + 1)]


def test_two_people_on_nearly_the_same_spot_are_both_named_apart():
    svg, key = chart([Dot("Ada Lovelace", 1.2, 0.6, "/p/1"), Dot("Alan Turing", 1.21, 0.6, "/p/2")])
    labels = assert_no_collision(svg)
    assert key is None and sorted(text for text, _ in labels) == ["Ada Lovelace", "Alan Turing"]


def test_fifty_people_never_collide_and_are_numbered_with_a_key_when_names_do_not_fit():
    dots = people(50)
    svg, key = chart(dots)
    labels = assert_no_collision(svg)
    if key is None:
        assert sorted(text for text, _ in labels) == sorted(d.label for d in dots)
    else:
        # The key names every point in order; each number drawn is that of its point.
        assert key == [d.label for d in dots]
        assert {text for text, _ in labels} <= {str(n) for n in range(1, 51)}
        assert len(labels) >= 45, "most points should keep their number"
    # Each point is still a link named after its person, whatever its label.
    assert [a.find(f"{NS}title").text for a in svg.iter(f"{NS}a")] == [d.label for d in dots]


def test_fifty_people_on_the_very_same_spot():
    dots = [Dot(f"Person {n}", 1.0, 0.5, f"/p/{n}") for n in range(50)]
    svg, key = chart(dots)
    assert_no_collision(svg)
    assert key == [d.label for d in dots]


@pytest.mark.parametrize("where", [(0, 0), (2, 1), (0, 1), (2, 0)], ids=["bottom-left", "top-right",
                                                                         "top-left", "bottom-right"])
def test_people_in_a_corner_stay_inside_the_chart(where):
    dots = [Dot(f"Someone with a long name {n}", *where, f"/p/{n}") for n in range(5)]
    svg, _ = chart(dots)
    assert_no_collision(svg)


def test_few_people_keep_their_names():
    dots = people(8)
    svg, key = chart(dots)
    assert key is None and len(assert_no_collision(svg)) == 8


def test_the_placer_keeps_clear_of_obstacles_and_says_what_does_not_fit():
    bounds = Box(0, 0, 300, 40)
    placed = place_labels([(100, 20), (100, 20)], ["A long label here", "Another long one"], bounds,
                          font_size=13, radius=5, obstacles=[Box(0, 0, 40, 40)], pushes=0)
    boxes = [p.box for p in placed if p]
    assert boxes, "one of them fits"
    for box in boxes:
        assert box.inside(bounds) and not box.overlaps(Box(0, 0, 40, 40)) and not box.overlaps(
            marker_box(100, 20, 5))
    # Only one fits beside the point in so thin a strip: the other is reported as not placed.
    assert len(boxes) == 1 and placed.count(None) == 1
    # Deterministic: the same input, the same layout.
    assert placed == place_labels([(100, 20), (100, 20)], ["A long label here", "Another long one"], bounds,
                                  font_size=13, radius=5, obstacles=[Box(0, 0, 40, 40)], pushes=0)


def test_the_driver_trend_legend_fits_inside_the_chart():
    start = datetime.date(2026, 1, 5)
    points = [TrendPoint(start + datetime.timedelta(days=7 * n), 1 + n % 5, is_self=n % 2 == 1) for n in range(50)]
    scale = [type("Point", (), {"value": v, "label": f"level {v}"})() for v in range(1, 6)]
    svg = ET.fromstring(str(driver_trend(points, scale, start, start + datetime.timedelta(days=350), title="t")))
    frame = view_box(svg)
    legend = svg.find(f"{NS}g[@class='trend-legend']")
    boxes = [text_box(t.text, float(t.get("x")), float(t.get("y")), "start", float(t.get("font-size")))
             for t in legend.iter(f"{NS}text")]
    assert len(boxes) == 2
    for box in boxes:
        assert box.inside(frame), f"the legend runs out of the chart: {box} in {frame}"
    assert not boxes[0].overlaps(boxes[1])
    markers_ = [Box(float(r.get("x")), float(r.get("y")), float(r.get("width")), float(r.get("height")))
                for r in legend.iter(f"{NS}rect")]
    assert not any(marker.overlaps(box) for marker in markers_ for box in boxes)


def test_fifty_rank_stack_rows_never_overlap():
    bars = [Bar(f"Person number {n} with a long name", 50 - n, f"{50 - n:,}", "meets", "Meets") for n in range(50)]
    svg = ET.fromstring(str(bar_chart(bars, title="t")))
    frame = view_box(svg)
    boxes = []
    for t in svg.iter(f"{NS}text"):
        text = "".join(t.itertext())
        boxes.append(text_box(text, float(t.get("x")), float(t.get("y")) + 13 * 0.35, t.get("text-anchor") or "start",
                              13))
    for i, box in enumerate(boxes):
        assert box.inside(frame), box
        assert not any(box.overlaps(other) for other in boxes[i + 1:])
