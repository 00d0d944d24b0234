"""A full-size trend chart of one KPI as inline SVG: axes, period dates along the bottom, values up the
side, the benchmark lines drawn as steps (a line can change from one period to the next), each value a
point coloured by its band, and a marker above each period that has a note.

Pure: points in, markup out. No scripts and no style attributes: colours come from CSS classes
(``band-*``, ``trend-*``, styled in scorecards.css). The page shows the same figures in a table, so
the chart reads without colour and prints. Draw it at the width it is shown at (a wide chart for a
laptop, a narrow one for a phone): the text then keeps its size instead of shrinking with the picture."""
import math
from dataclasses import dataclass
from typing import Callable, Optional

from markupsafe import Markup, escape

HEIGHT = 300
LEFT, RIGHT, TOP, BOTTOM = 64, 12, 22, 40
POINT_RADIUS = 4.5
#: Room one date label needs along the x axis ("16 Nov" at 12 px, with a gap), in chart units.
LABEL_ROOM = 54
NOTE_SIZE = 6
TICKS = 5


@dataclass(frozen=True)
class TrendPoint:
    """One period: ``label`` under the x axis, ``value`` (None: no data) with its ``value_text``,
    ``band`` (exceeds, meets, fails or None) and ``band_text``, the benchmark lines in force then
    (``meets``, ``exceeds``: None when there is none), and the ``note`` entered with the value."""

    label: str
    value: Optional[float]
    value_text: str = ""
    band: Optional[str] = None
    band_text: str = "No band"
    meets: Optional[float] = None
    exceeds: Optional[float] = None
    note: Optional[str] = None
    #: The period's longer name, for the point's tooltip ("Week of 16 Nov 2026").
    title: str = ""


@dataclass(frozen=True)
class Geometry:
    """Where things go: the plot's edges, each period's slot, and the value scale."""

    width: float
    count: int
    low: float
    high: float

    @property
    def left(self):
        return LEFT

    @property
    def right(self):
        return self.width - RIGHT

    @property
    def top(self):
        return TOP

    @property
    def bottom(self):
        return HEIGHT - BOTTOM

    @property
    def slot(self):
        return (self.right - self.left) / max(1, self.count)

    def x(self, i):
        """The middle of period ``i``'s slot."""
        return self.left + self.slot * (i + 0.5)

    def y(self, value):
        return self.bottom - (self.bottom - self.top) * (value - self.low) / (self.high - self.low)


def geometry(points, width):
    """The :class:`Geometry` of ``points`` drawn ``width`` wide: every value and line fits the y axis."""
    numbers = [n for p in points for n in (p.value, p.meets, p.exceeds) if _finite(n)]
    ticks = nice_ticks(numbers)
    return Geometry(width=width, count=len(points), low=ticks[0], high=ticks[-1])


def nice_ticks(numbers, count=TICKS):
    """About ``count`` round values (1, 2 or 5 times a power of ten apart) covering ``numbers``."""
    if not numbers:
        return [0.0, 1.0]
    low, high = min(numbers), max(numbers)
    if low == high:
        spread = abs(low) * 0.1 or 1.0
        low, high = low - spread, high + spread
    raw = (high - low) / max(1, count - 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.floor(low / step) * step
    ticks = [first]
    while ticks[-1] < high - step * 1e-9:
        ticks.append(first + step * len(ticks))
    return [round(t, 10) for t in ticks]


def trend_chart(points, title, description="", chart_id="trend-chart", width=760,
                value_text: Callable[[float], str] = None):
    """An SVG line chart of ``points`` (oldest first), as :class:`~markupsafe.Markup`.

    ``value_text`` writes an axis value the way the KPI's values are written. The chart is an image
    (``role="img"``) named by its ``<title>`` and ``<desc>``."""
    points = list(points)
    write = value_text or _n
    geo = geometry(points, width)
    ident = escape(chart_id)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart trend-chart" viewBox="0 0 {_n(width)} {HEIGHT}" '
        f'role="img" aria-labelledby="{ident}-title {ident}-desc">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(description)}</desc>',
    ]
    parts += _axes(geo, points, write)
    for name in ("meets", "exceeds"):
        path = step_path(geo, [getattr(p, name) for p in points])
        if path:
            parts.append(f'<path class="trend-line-{name}" d="{path}" fill="none" stroke="currentColor" '
                         f'stroke-width="1.5" stroke-dasharray="{_DASHES[name]}"/>')
    for run in _runs([p.value for p in points]):
        if len(run) > 1:
            coords = " ".join(f"{_n(geo.x(i))},{_n(geo.y(points[i].value))}" for i in run)
            parts.append(f'<polyline class="trend-values" points="{coords}" fill="none" stroke="currentColor" '
                         f'stroke-width="2" stroke-linejoin="round"/>')
    for i, p in enumerate(points):
        if _finite(p.value):
            band = f"band-{escape(p.band)}" if p.band else "band-none"
            tip = f"{p.title or p.label}: {p.value_text} · {p.band_text}"
            parts.append(f'<circle class="trend-point {band}" cx="{_n(geo.x(i))}" cy="{_n(geo.y(p.value))}" '
                         f'r="{POINT_RADIUS}" fill="currentColor"><title>{escape(tip)}</title></circle>')
        if p.note:
            parts.append(_note_mark(geo, i, p))
    parts.append("</svg>")
    # Safe: every text and attribute value in it was escaped above.
    return Markup("".join(parts))  # nosec B704


def step_path(geo, lines):
    """An SVG path of a benchmark line that may change between periods: level across each period's
    slot, a vertical step where it changes, a break where there is no line."""
    commands, drawing = [], False
    for i, value in enumerate(lines):
        if not _finite(value):
            drawing = False
            continue
        start, end, y = geo.left + geo.slot * i, geo.left + geo.slot * (i + 1), _n(geo.y(value))
        commands.append(f"V{y}H{_n(end)}" if drawing else f"M{_n(start)},{y}H{_n(end)}")
        drawing = True
    return "".join(commands)


def label_every(count, width):
    """Label every how-many periods, so that the date labels never touch."""
    room = (width - LEFT - RIGHT) / max(1, count)
    return max(1, math.ceil(LABEL_ROOM / room))


def _axes(geo, points, write):
    parts = ['<g class="trend-axes">']
    for tick in nice_ticks_between(geo.low, geo.high):
        y = _n(geo.y(tick))
        parts.append(f'<line class="trend-grid" x1="{geo.left}" y1="{y}" x2="{_n(geo.right)}" y2="{y}" '
                     f'stroke="currentColor" stroke-width="1" opacity="0.25"/>')
        parts.append(f'<text class="trend-tick" x="{geo.left - 6}" y="{y}" text-anchor="end" '
                     f'dominant-baseline="middle">{escape(write(tick))}</text>')
    parts.append(f'<line class="trend-axis" x1="{geo.left}" y1="{geo.top}" x2="{geo.left}" y2="{geo.bottom}" '
                 f'stroke="currentColor" stroke-width="1"/>')
    parts.append(f'<line class="trend-axis" x1="{geo.left}" y1="{geo.bottom}" x2="{_n(geo.right)}" '
                 f'y2="{geo.bottom}" stroke="currentColor" stroke-width="1"/>')
    every = label_every(len(points), geo.width)
    last = len(points) - 1
    for i, p in enumerate(points):
        # Counted back from the latest period, so the latest always has its date.
        if (last - i) % every == 0:
            parts.append(f'<text class="trend-date" x="{_n(geo.x(i))}" y="{geo.bottom + 18}" '
                         f'text-anchor="middle">{escape(p.label)}</text>')
    parts.append("</g>")
    return parts


def nice_ticks_between(low, high):
    """The round values from ``low`` to ``high`` that :func:`nice_ticks` chose for the axis."""
    return nice_ticks([low, high])


def _note_mark(geo, i, point):
    """A small flag at the top of the period's slot, the note as its tooltip."""
    x, top = geo.x(i), geo.top - 2
    shape = f"M{_n(x - NOTE_SIZE)},{_n(top - NOTE_SIZE * 1.6)}H{_n(x + NOTE_SIZE)}L{_n(x)},{_n(top)}Z"
    return (f'<path class="trend-note" d="{shape}" fill="currentColor">'
            f'<title>{escape(f"Note, {point.title or point.label}: {point.note}")}</title></path>')


_DASHES = {"meets": "6 4", "exceeds": "2 3"}


def _finite(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _runs(values):
    """Indexes of consecutive values with data: the line breaks at each gap."""
    runs, current = [], []
    for i, v in enumerate(values):
        if _finite(v):
            current.append(i)
        else:
            if current:
                runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def _n(number):
    """A coordinate or plain value written short: 12, 12.5, 12.25."""
    text = f"{number:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
