"""A horizontal bar chart as inline SVG (rank stacks).

Pure: rows in, markup out. No scripts and no style attributes: colours come from CSS classes
(``band-exceeds`` …, the same classes as the band labels), and every bar also carries its band as
text, so the chart reads without colour and prints."""
from dataclasses import dataclass
from typing import Optional

from markupsafe import Markup, escape

from dualdash.charts.labels import CHAR_WIDTH

WIDTH = 760
LABEL_WIDTH = 210   # names, right-aligned before the bars
VALUE_WIDTH = 200   # value and band, after the longest bar
ROW_HEIGHT = 30
BAR_HEIGHT = 18
PAD = 10
#: The font size of the chart's text, as the stylesheet sets it (rank-stacks.css: .chart text).
FONT = 13
#: The longest name that fits before the bars, measured as labels.py measures text.
MAX_LABEL = int((LABEL_WIDTH - 8) / (FONT * CHAR_WIDTH))


@dataclass(frozen=True)
class Bar:
    """One bar: ``length`` is the number drawn (None: no bar, e.g. a hidden group, then ``note``
    is shown instead); ``value_text`` and ``band_text`` are written beside it; ``band`` (exceeds,
    meets, fails or None) names its CSS class; ``highlight`` marks the viewer's own row."""

    label: str
    length: Optional[float]
    value_text: str = ""
    band: Optional[str] = None
    band_text: str = "No band"
    highlight: bool = False
    note: str = ""


def bar_chart(bars, title, description="", chart_id="bar-chart"):
    """An SVG horizontal bar chart of ``bars`` (top to bottom), as :class:`~markupsafe.Markup`.

    The chart is an image (``role="img"``) named by its ``<title>`` and ``<desc>``; the page should
    show the same figures in a table too."""
    bars = list(bars)
    height = PAD * 2 + ROW_HEIGHT * max(1, len(bars))
    lengths = [b.length for b in bars if b.length is not None]
    low, high = min([0.0, *lengths]), max([0.0, *lengths])
    if high == low:
        high = low + 1
    left, right = LABEL_WIDTH, WIDTH - VALUE_WIDTH
    span = right - left

    def x(v):
        return left + (v - low) / (high - low) * span

    ident = escape(chart_id)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart bar-chart" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-labelledby="{ident}-title {ident}-desc">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(description)}</desc>',
    ]
    if low < 0:
        parts.append(f'<line class="axis" x1="{x(0):.1f}" y1="{PAD}" x2="{x(0):.1f}" y2="{height - PAD}"/>')
    for i, bar in enumerate(bars):
        top = PAD + i * ROW_HEIGHT
        middle = top + ROW_HEIGHT / 2
        band_class = f"band-{bar.band}" if bar.band else "band-none"
        row_class = "bar-row you" if bar.highlight else "bar-row"
        parts.append(f'<g class="{row_class}">')
        parts.append(f'<text class="bar-label" x="{left - 8}" y="{middle:.1f}" text-anchor="end" '
                     f'dominant-baseline="middle">{escape(_short(bar.label))}</text>')
        if bar.length is None:
            parts.append(f'<text class="bar-note" x="{left + 4}" y="{middle:.1f}" '
                         f'dominant-baseline="middle">{escape(bar.note)}</text>')
        else:
            start, end = sorted((x(0), x(bar.length)))
            parts.append(f'<rect class="bar {band_class}" x="{start:.1f}" '
                         f'y="{top + (ROW_HEIGHT - BAR_HEIGHT) / 2:.1f}" width="{max(end - start, 1):.1f}" '
                         f'height="{BAR_HEIGHT}"/>')
            parts.append(f'<text class="bar-value" x="{max(end, x(0)) + 6:.1f}" y="{middle:.1f}" '
                         f'dominant-baseline="middle">{escape(bar.value_text)} · '
                         f'<tspan class="{band_class}">{escape(bar.band_text)}</tspan></text>')
        parts.append("</g>")
    parts.append("</svg>")
    # Safe: every text and attribute value in it was escaped above.
    return Markup("".join(parts))  # nosec B704


def _short(label):
    return label if len(label) <= MAX_LABEL else label[:MAX_LABEL - 1] + "…"
