"""The trend sparkline: an SVG drawn on the server, parsed back here to check what it draws."""
import xml.etree.ElementTree as ET

import pytest
from markupsafe import Markup

from dualdash.charts.sparkline import sparkline

NS = {"svg": "http://www.w3.org/2000/svg"}


def parse(svg):
    assert isinstance(svg, Markup)
    assert "style=" not in svg and "<script" not in svg
    return ET.fromstring(str(svg))


def circles(root):
    return root.findall("svg:circle", NS)


def polylines(root):
    return [[tuple(map(float, xy.split(","))) for xy in line.get("points").split()]
            for line in root.findall("svg:polyline", NS)]


def lines(root):
    return {line.get("class"): line for line in root.findall("svg:line", NS)}


def test_points_line_benchmarks_and_label():
    root = parse(sparkline([1, 3, 2, 5], meets=2, exceeds=4, width=100, height=20, label="Calls <rising>"))
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("role") == "img" and root.get("aria-label") == "Calls <rising>"
    assert root.find("svg:title", NS).text == "Calls <rising>"
    assert root.get("viewBox") == "0 0 100 20"
    points = circles(root)
    assert len(points) == 4
    # x grows left to right; higher values are drawn higher (smaller y).
    xs = [float(c.get("cx")) for c in points]
    ys = [float(c.get("cy")) for c in points]
    assert xs == sorted(xs) and xs[0] >= 0 and xs[-1] <= 100
    assert ys[3] < ys[1] < ys[2] < ys[0]
    assert all(0 <= y <= 20 for y in ys)
    # Only the last point is marked as the latest.
    assert [("sparkline-last" in c.get("class")) for c in points] == [False, False, False, True]
    assert float(points[-1].get("r")) > float(points[0].get("r"))
    [line] = polylines(root)
    assert len(line) == 4
    benchmark = lines(root)
    meets, exceeds = benchmark["sparkline-meets"], benchmark["sparkline-exceeds"]
    # Horizontal, across the chart, at the height of the values 2 and 4.
    assert meets.get("y1") == meets.get("y2") and float(meets.get("x2")) == 100
    assert float(meets.get("y1")) == pytest.approx(ys[2])
    assert float(exceeds.get("y1")) < float(meets.get("y1"))


def test_gaps_break_the_line():
    root = parse(sparkline([1, 2, None, 4, None, 6]))
    assert len(circles(root)) == 4
    # 1–2 is a line; 4 and 6 stand alone (their markers show them).
    assert [len(line) for line in polylines(root)] == [2]
    assert "sparkline-last" in circles(root)[-1].get("class")


def test_no_data_at_all():
    root = parse(sparkline([None, None, None], meets=10))
    assert circles(root) == [] and polylines(root) == []
    assert "sparkline-meets" in lines(root)
    assert "no data" in root.get("aria-label")


def test_empty_series():
    root = parse(sparkline([]))
    assert circles(root) == [] and polylines(root) == []


def test_single_point_is_centred():
    root = parse(sparkline([7], width=50, height=10))
    [point] = circles(root)
    assert float(point.get("cx")) == 25 and float(point.get("cy")) == pytest.approx(5)
    assert polylines(root) == []


def test_equal_values_and_a_line_on_them():
    root = parse(sparkline([3, 3, 3], meets=3, height=20))
    ys = {float(c.get("cy")) for c in circles(root)}
    assert len(ys) == 1 and 0 < ys.pop() < 20
    assert float(lines(root)["sparkline-meets"].get("y1")) == pytest.approx(10)


def test_negative_values_fit():
    root = parse(sparkline([-5, 0, -2.5, 3], exceeds=-10, height=30))
    ys = [float(c.get("cy")) for c in circles(root)]
    exceeds = float(lines(root)["sparkline-exceeds"].get("y1"))
    assert all(0 <= y <= 30 for y in ys + [exceeds])
    assert exceeds == max(ys + [exceeds])  # the lowest value is drawn lowest
    assert ys[3] == min(ys)


def test_bands_mark_points_and_junk_is_no_data():
    root = parse(sparkline([1, float("nan"), "x", 2], bands=["fails", None, None, "exceeds"]))
    classes = [c.get("class") for c in circles(root)]
    assert classes == ["sparkline-point sparkline-band-fails",
                       "sparkline-point sparkline-last sparkline-band-exceeds"]


def test_label_is_escaped_and_written_when_missing():
    svg = sparkline([1, 2], label='"><script>alert(1)</script>')
    assert "<script>" not in svg
    root = parse(svg)
    assert root.get("aria-label") == '"><script>alert(1)</script>'
    assert "2 with data" in parse(sparkline([1, None, 2])).get("aria-label")
