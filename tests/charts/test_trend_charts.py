"""The full-size trend chart and the band columns: points inside the axes, benchmark lines as steps
where they change, labels that never touch, and a segment's count only where it fits."""
import re
import xml.etree.ElementTree as ET

from dualdash.charts import stacked, trend
from dualdash.charts.stacked import Column, band_columns
from dualdash.charts.trend import TrendPoint, trend_chart

NS = "{http://www.w3.org/2000/svg}"


def parse(markup):
    assert "<script" not in markup and "style=" not in markup
    return ET.fromstring(str(markup))


def points(n=13):
    return [TrendPoint(label=f"{i + 1} Nov", value=None if i == 4 else float(i * 7 % 23), value_text=str(i),
                       band="meets", band_text="Meets", meets=10.0 if i < 8 else 15.0, exceeds=20.0,
                       note="ill" if i == 2 else None) for i in range(n)]


def test_points_inside_the_axes_and_notes_marked():
    for width in (760, 360):
        svg = parse(trend_chart(points(50), "Calls", "desc", chart_id="t", width=width))
        assert svg.get("role") == "img" and svg.get("aria-labelledby") == "t-title t-desc"
        geo = trend.geometry(points(50), width)
        circles = svg.findall(f"{NS}circle")
        assert len(circles) == 49  # one period without data
        for c in circles:
            assert geo.left < float(c.get("cx")) < geo.right
            assert geo.top <= float(c.get("cy")) <= geo.bottom
        notes = svg.findall(f"{NS}path[@class='trend-note']")
        assert [p.find(f"{NS}title").text for p in notes] == ["Note, 3 Nov: ill"]
        # Date labels never touch: at least LABEL_ROOM apart.
        xs = [float(t.get("x")) for t in svg.iter(f"{NS}text") if t.get("class") == "trend-date"]
        assert xs and all(b - a >= trend.LABEL_ROOM for a, b in zip(xs, xs[1:]))
        assert abs(xs[-1] - geo.x(49)) < 0.01  # the latest period is always labelled


def test_benchmark_steps():
    geo = trend.geometry(points(13), 760)
    path = trend.step_path(geo, [10.0] * 8 + [15.0] * 5)
    # One line across the slots, one vertical step where the line changes, at the start of period 8.
    assert path.startswith(f"M{geo.left:g},")
    steps = re.findall(r"V([\d.]+)H([\d.]+)", path)
    assert len(steps) == 12
    assert float(steps[7][0]) == round(geo.y(15.0), 2) and float(steps[6][0]) == round(geo.y(10.0), 2)
    assert abs(float(steps[-1][1]) - geo.right) < 0.01
    assert trend.step_path(geo, [None, 10.0, None, 10.0]).count("M") == 2  # breaks where there is no line


def test_nice_ticks_cover_the_values():
    ticks = trend.nice_ticks([3, 97])
    assert ticks[0] <= 3 and ticks[-1] >= 97 and len(ticks) <= 7
    assert trend.nice_ticks([]) == [0.0, 1.0] and trend.nice_ticks([5, 5])[0] < 5


def test_band_columns():
    columns = [Column(f"{i} Nov", {"exceeds": 1 + i, "meets": 20, "fails": 1}) for i in range(50)]
    svg = parse(band_columns(columns, "Bands", "desc", chart_id="b", width=760))
    segments, slot, _ = stacked.layout(columns, 760)
    assert len(svg.findall(f"{NS}rect")) == 150
    counts = [t for t in svg.iter(f"{NS}text") if t.get("class") == "segment-count"]
    assert len(counts) == sum(s.labelled for s in segments)
    # A label only where it fits the segment; a one-count segment of a tall column has none.
    assert all(s.height >= stacked.LABEL_HEIGHT for s in segments if s.labelled)
    assert not any(s.labelled for s in segments if s.band == "fails")
    for s in segments:
        assert stacked.TOP <= s.y and s.y + s.height <= stacked.HEIGHT - stacked.BOTTOM + 0.01
    xs = [float(t.get("x")) for t in svg.iter(f"{NS}text") if t.get("class") == "trend-date"]
    assert all(b - a >= stacked.LABEL_ROOM for a, b in zip(xs, xs[1:]))
