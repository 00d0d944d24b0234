"""One Performance Driver's ratings of a person over time, as inline SVG, on the driver's own scale.

Pure: points in, markup out. Manager's ratings are circles joined by a solid line, self-ratings
squares joined by a dashed line, and the legend names both in words, so the two read apart without
colour; it wraps onto a second row rather than run past the chart's edge. Colours come from CSS classes
(``trend-*``, styled in meetings.css) with presentation
attributes as a fallback; no inline ``style`` and no script. Each point has a ``<title>`` with its
date, who rated and the score's label."""
import datetime
from dataclasses import dataclass

from markupsafe import Markup, escape

from dualdash.charts.labels import text_box
from dualdash.shared.formats import date_text

WIDTH, HEIGHT = 560, 210
LEFT, RIGHT, TOP, BOTTOM = 150, 16, 12, 62
RADIUS = 4.5
SQUARE = 8
#: The legend: its font size, the room its markers take before their text, the space between entries,
#: the height of a row and the margin at each side, in the chart's units.
LEGEND_FONT, LEGEND_MARKER, LEGEND_SPACE, LEGEND_ROW, LEGEND_MARGIN = 12, 16, 20, 18, 8


@dataclass(frozen=True)
class TrendPoint:
    """A rating: its date, its score, whether it is a self-rating, and its description."""

    on: datetime.date
    score: int
    is_self: bool = False
    title: str = ""


def driver_trend(points, scale, start, end, *, title, chart_id="driver-trend"):
    """An ``<svg>`` of ``points`` (:class:`TrendPoint`, any order) between dates ``start`` and ``end``,
    with a labelled line for each point of ``scale`` (ScalePoints, lowest first)."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    values = [p.value for p in scale] or [0, 1]
    low, high = min(values), max(values)
    if low == high:
        low, high = low - 1, high + 1
    days = max((end - start).days, 1)

    def px(day):
        offset = min(max((day - start).days, 0), days)
        return LEFT + plot_w * offset / days

    def py(score):
        clamped = min(max(score, low), high)
        return TOP + plot_h * (high - clamped) / (high - low)

    ident = escape(chart_id)
    manager = sorted((p for p in points if not p.is_self), key=lambda p: p.on)
    own = sorted((p for p in points if p.is_self), key=lambda p: p.on)
    description = (f"{len(manager)} manager's rating{'s' if len(manager) != 1 else ''} (circles, solid line) "
                   f"and {len(own)} self-rating{'s' if len(own) != 1 else ''} (squares, dashed line) from "
                   f"{date_text(start)} to {date_text(end)}, on a scale from {low} to {high}.")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart driver-trend" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-labelledby="{ident}-title {ident}-desc">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(description)}</desc>',
    ]
    for point in scale:
        y = py(point.value)
        parts.append(f'<line class="trend-grid" x1="{LEFT}" y1="{_n(y)}" x2="{LEFT + plot_w}" y2="{_n(y)}" '
                     'stroke="currentColor" stroke-width="0.5" opacity="0.3"/>')
        parts.append(f'<text class="trend-tick" x="{LEFT - 6}" y="{_n(y + 4)}" text-anchor="end" '
                     f'font-size="11" fill="currentColor">{escape(_short(f"{point.value} {point.label}"))}</text>')
    parts.append(f'<line class="trend-axis" x1="{LEFT}" y1="{TOP + plot_h}" x2="{LEFT + plot_w}" '
                 f'y2="{TOP + plot_h}" stroke="currentColor" stroke-width="1"/>')
    for day, anchor in ((start, "start"), (start + (end - start) / 2, "middle"), (end, "end")):
        parts.append(f'<text class="trend-tick" x="{_n(px(day))}" y="{TOP + plot_h + 16}" '
                     f'text-anchor="{anchor}" font-size="11" fill="currentColor">{_date(day)}</text>')
    for series, css, dashes in ((manager, "trend-manager", ""), (own, "trend-self", ' stroke-dasharray="5 3"')):
        if len(series) > 1:
            coords = " ".join(f"{_n(px(p.on))},{_n(py(p.score))}" for p in series)
            parts.append(f'<polyline class="trend-line {css}" points="{coords}" fill="none" '
                         f'stroke="currentColor" stroke-width="1.5"{dashes}/>')
    for p in manager:
        parts.append(f'<circle class="trend-point trend-manager" cx="{_n(px(p.on))}" cy="{_n(py(p.score))}" '
                     f'r="{RADIUS}" fill="currentColor"><title>{escape(p.title)}</title></circle>')
    for p in own:
        parts.append(f'<rect class="trend-point trend-self" x="{_n(px(p.on) - SQUARE / 2)}" '
                     f'y="{_n(py(p.score) - SQUARE / 2)}" width="{SQUARE}" height="{SQUARE}" fill="white" '
                     f'stroke="currentColor" stroke-width="1.5"><title>{escape(p.title)}</title></rect>')
    legend, height = _legend(TOP + plot_h + 38)
    parts.append(legend)
    parts.append("</svg>")
    parts[0] = parts[0].replace(f'viewBox="0 0 {WIDTH} {HEIGHT}"', f'viewBox="0 0 {WIDTH} {_n(height)}"')
    # Safe: every text and attribute value in it was escaped above.
    return Markup("".join(parts))  # nosec B704


def _legend(baseline):
    """The legend, its entries side by side and wrapped onto more rows when they do not fit the width
    (measured as labels.py measures text); and the chart's height with it."""
    entries = [
        (lambda x, y: f'<circle class="trend-manager" cx="{_n(x + 6)}" cy="{_n(y - 4)}" r="{RADIUS}" '
                      'fill="currentColor"/>', "Manager’s rating (circle, solid line)"),
        (lambda x, y: f'<rect class="trend-self" x="{_n(x + 2)}" y="{_n(y - 8)}" width="{SQUARE}" '
                      f'height="{SQUARE}" fill="white" stroke="currentColor" stroke-width="1.5"/>',
         "Self-rating (square, dashed line)"),
    ]
    parts, x, y = ['<g class="trend-legend">'], LEGEND_MARGIN, baseline
    for marker, text in entries:
        width = LEGEND_MARKER + text_box(text, 0, 0, "start", LEGEND_FONT).width
        if x > LEGEND_MARGIN and x + width > WIDTH - LEGEND_MARGIN:
            x, y = LEGEND_MARGIN, y + LEGEND_ROW
        parts.append(marker(x, y))
        parts.append(f'<text x="{_n(x + LEGEND_MARKER)}" y="{_n(y)}" font-size="{LEGEND_FONT}" '
                     f'fill="currentColor">{escape(text)}</text>')
        x += width + LEGEND_SPACE
    parts.append("</g>")
    return "".join(parts), y + LEGEND_ROW - LEGEND_FONT


def _short(text, limit=22):
    """A tick label that fits the margin (the full scale is listed beside the chart)."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _date(day):
    return date_text(day)


def _n(number):
    text = f"{number:.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
