"""Band counts over time as inline SVG: one column per period, stacked from Fails at the bottom
through Meets to Exceeds, each segment labelled with its count where the label fits inside it, and
the column's total above it.

Pure: columns in, markup out. No scripts and no style attributes: colours come from the band
classes (``band-fails`` …). The page writes the legend in words and the same figures in a table.
Draw it at the width it is shown at, so that the text keeps its size."""
import math
from dataclasses import dataclass

from markupsafe import Markup, escape

HEIGHT = 280
LEFT, RIGHT, TOP, BOTTOM = 36, 8, 22, 40
#: A segment's count is written inside it only when there is room for the text (12 px high).
LABEL_HEIGHT = 14
CHAR_WIDTH = 7.5
#: The bands stacked, bottom first.
STACK = ("fails", "meets", "exceeds")
#: Room one period label needs along the x axis, in chart units.
LABEL_ROOM = 54


@dataclass(frozen=True)
class Column:
    """One period: ``label`` under the axis, ``title`` its longer name, ``counts`` by band
    (``{"fails": n, "meets": n, "exceeds": n}``)."""

    label: str
    counts: dict
    title: str = ""

    @property
    def total(self):
        return sum(self.counts.get(band, 0) for band in STACK)


@dataclass(frozen=True)
class Segment:
    """A drawn part of a column (for the page and for tests): where it is and whether it is labelled."""

    column: int
    band: str
    count: int
    x: float
    y: float
    width: float
    height: float
    labelled: bool


def layout(columns, width):
    """The segments of ``columns`` drawn ``width`` wide, bottom to top within each column."""
    columns = list(columns)
    top = max([c.total for c in columns] + [1])
    slot = (width - LEFT - RIGHT) / max(1, len(columns))
    bar = slot * 0.7
    scale = (HEIGHT - TOP - BOTTOM) / top
    segments = []
    for i, column in enumerate(columns):
        x, base = LEFT + slot * i + (slot - bar) / 2, HEIGHT - BOTTOM
        for band in STACK:
            count = column.counts.get(band, 0)
            if not count:
                continue
            height = count * scale
            fits = height >= LABEL_HEIGHT and bar >= len(str(count)) * CHAR_WIDTH + 2
            segments.append(Segment(i, band, count, x, base - height, bar, height, fits))
            base -= height
    return segments, slot, scale


def band_columns(columns, title, description="", chart_id="band-columns", width=760, band_names=None):
    """An SVG stacked column chart of ``columns`` (oldest first), as :class:`~markupsafe.Markup`.
    ``band_names`` maps a band to its word for the tooltips ("Exceeds")."""
    columns = list(columns)
    names = band_names or {band: band.capitalize() for band in STACK}
    segments, slot, scale = layout(columns, width)
    ident = escape(chart_id)
    base = HEIGHT - BOTTOM
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart band-columns" viewBox="0 0 {_n(width)} {HEIGHT}" '
        f'role="img" aria-labelledby="{ident}-title {ident}-desc">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(description)}</desc>',
        f'<line class="trend-axis" x1="{LEFT}" y1="{base}" x2="{_n(width - RIGHT)}" y2="{base}" '
        f'stroke="currentColor" stroke-width="1"/>',
    ]
    for s in segments:
        column = columns[s.column]
        tip = f"{column.title or column.label}: {s.count} {names[s.band]}"
        parts.append(f'<rect class="segment band-{s.band}" x="{_n(s.x)}" y="{_n(s.y)}" width="{_n(s.width)}" '
                     f'height="{_n(s.height)}" fill="currentColor"><title>{escape(tip)}</title></rect>')
        if s.labelled:
            parts.append(f'<text class="segment-count" x="{_n(s.x + s.width / 2)}" y="{_n(s.y + s.height / 2)}" '
                         f'text-anchor="middle" dominant-baseline="central">{s.count}</text>')
    every = max(1, math.ceil(LABEL_ROOM / slot))
    last = len(columns) - 1
    for i, column in enumerate(columns):
        middle = LEFT + slot * (i + 0.5)
        if column.total:
            parts.append(f'<text class="column-total" x="{_n(middle)}" y="{_n(base - column.total * scale - 6)}" '
                         f'text-anchor="middle">{column.total}</text>')
        if (last - i) % every == 0:
            parts.append(f'<text class="trend-date" x="{_n(middle)}" y="{base + 18}" '
                         f'text-anchor="middle">{escape(column.label)}</text>')
    parts.append("</svg>")
    # Safe: every text and attribute value in it was escaped above.
    return Markup("".join(parts))  # nosec B704


def _n(number):
    text = f"{number:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
