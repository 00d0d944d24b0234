"""A trend sparkline drawn on the server as inline SVG: it needs no JavaScript and it prints.

Colours come from CSS classes (``sparkline-*``, styled in scorecards.css) with presentation
attributes as a fallback, so the chart still reads when the stylesheet is missing; there is no
inline ``style`` and no script."""
import math

from markupsafe import Markup, escape

#: Room kept around the plot so that the markers are not cut at the edges.
PAD = 3.5
POINT_RADIUS = 1.8
LAST_RADIUS = 3


def sparkline(points, meets=None, exceeds=None, width=120, height=32, label=None, bands=None):
    """An ``<svg>`` trend of ``points`` (oldest first; None is a period without data).

    Each value is a marker, and consecutive values are joined by a line that breaks at a gap; the
    last value is marked larger. ``meets`` and ``exceeds`` draw the benchmark lines across the
    chart. ``bands`` (optional, one per point: "fails", "meets", "exceeds" or None) adds a class
    to each marker. ``label`` describes the chart to screen readers (role="img", a ``<title>`` and
    ``aria-label``); a plain description is written when it is not given."""
    values = [_number(v) for v in points]
    bands = list(bands or [])
    lines = [(name, _number(v)) for name, v in (("meets", meets), ("exceeds", exceeds))]
    lines = [(name, v) for name, v in lines if v is not None]
    label = label or describe(values)
    low, high = _domain([v for v in values if v is not None] + [v for _, v in lines])

    def x(i):
        if len(values) == 1:
            return width / 2
        return PAD + (width - 2 * PAD) * i / (len(values) - 1)

    def y(v):
        return PAD + (height - 2 * PAD) * (high - v) / (high - low)

    parts = [(f'<svg xmlns="http://www.w3.org/2000/svg" class="sparkline" width="{_n(width)}" '
              f'height="{_n(height)}" viewBox="0 0 {_n(width)} {_n(height)}" role="img" '
              f'aria-label="{escape(label)}"><title>{escape(label)}</title>')]
    for name, v in lines:
        parts.append(f'<line class="sparkline-{name}" x1="0" y1="{_n(y(v))}" x2="{_n(width)}" y2="{_n(y(v))}" '
                     f'stroke="currentColor" stroke-width="1" stroke-dasharray="{_DASHES[name]}" opacity="0.6"/>')
    for run in _runs(values):
        if len(run) > 1:
            coords = " ".join(f"{_n(x(i))},{_n(y(values[i]))}" for i in run)
            parts.append(f'<polyline class="sparkline-line" points="{coords}" fill="none" stroke="currentColor" '
                         f'stroke-width="1.5" stroke-linejoin="round" stroke-linecap="round"/>')
    last = max((i for i, v in enumerate(values) if v is not None), default=None)
    for i, v in enumerate(values):
        if v is None:
            continue
        band = getattr(bands[i], "value", bands[i]) if i < len(bands) and bands[i] else None
        classes = "sparkline-point" + (" sparkline-last" if i == last else "") + \
            (f" sparkline-band-{escape(band)}" if band else "")
        radius = LAST_RADIUS if i == last else POINT_RADIUS
        parts.append(f'<circle class="{classes}" cx="{_n(x(i))}" cy="{_n(y(v))}" r="{_n(radius)}" '
                     f'fill="currentColor"/>')
    parts.append("</svg>")
    # Safe: every text and attribute value in it was escaped above.
    return Markup("".join(parts))  # nosec B704


_DASHES = {"meets": "3 2", "exceeds": "1 2"}


def describe(values):
    """A plain description of a series: how many values, the first and the latest."""
    known = [v for v in values if v is not None]
    if not known:
        return f"Trend over {len(values)} periods: no data"
    text = f"Trend over {len(values)} periods: {len(known)} with data, from {_n(known[0])} to {_n(known[-1])}"
    return text


def _number(v):
    """A finite float, or None (no data, or something that cannot be drawn)."""
    if v is None or isinstance(v, bool):
        return None
    try:
        v = float(v)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def _domain(numbers):
    """The low and high ends of the y axis: every value and line fits, and they never coincide."""
    if not numbers:
        return 0.0, 1.0
    low, high = min(numbers), max(numbers)
    if low == high:
        # One value (or equal ones): centre it rather than divide by zero.
        spread = abs(low) * 0.1 or 1.0
        return low - spread, high + spread
    return low, high


def _runs(values):
    """Indexes of consecutive values with data: the line breaks at each gap."""
    runs, current = [], []
    for i, v in enumerate(values):
        if v is None:
            if current:
                runs.append(current)
            current = []
        else:
            current.append(i)
    if current:
        runs.append(current)
    return runs


def _n(number):
    """A coordinate written short: 12, 12.5, 12.25 (not 12.000000001)."""
    text = f"{number:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
