"""A four-quadrant scatter chart as inline SVG (results × drivers).

Pure: points in, markup out. No scripts and no style attributes: colours come from CSS classes.
Each point is a link (``<a href>`` inside the SVG) with the person's name as its text and title, so
it can be followed with a keyboard, and the quadrants are named in words, not colours. Names are placed
so that none overlaps another or a point (``labels.py``); when they cannot all fit, the points are
numbered instead, with a key below the chart."""
from dataclasses import dataclass

from markupsafe import Markup, escape

from dualdash.charts.labels import Box, place_labels, text_box

WIDTH = 760
HEIGHT = 520
LEFT, RIGHT, TOP, BOTTOM = 70, 20, 20, 60
RADIUS = 6
#: The font size of point and quadrant labels, as the stylesheet sets it (rank-stacks.css: .chart text).
LABEL_FONT = 13
#: Bold text (the quadrants' names) is measured this much wider.
BOLD = 1.1
#: How many lines a number may be pushed from its point when the chart is too crowded for names.
NUMBER_PUSHES = 40
CORNERS = ("top_left", "top_right", "bottom_left", "bottom_right")


@dataclass(frozen=True)
class Dot:
    """One point: ``x`` and ``y`` in the chart's units (drawn at the edge when outside them),
    ``label`` written beside it, ``title`` its longer description, ``href`` where it leads and
    ``css_class`` its colour (e.g. the quadrant's key)."""

    label: str
    x: float
    y: float
    href: str
    title: str = ""
    css_class: str = ""


def quadrant_chart(dots, *, title, description, corners, x_split, x_max, y_split=0.5, y_max=1.0,
                   x_label="", y_label="", x_ticks=(), y_ticks=(), chart_id="quadrants"):
    """An SVG scatter chart split into four labelled quadrants at ``x_split`` and ``y_split``.

    ``corners`` maps "top_left", "top_right", "bottom_left", "bottom_right" to each quadrant's
    name; ``x_ticks``/``y_ticks`` are ``(value, text)`` pairs; both axes start at 0."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def px(v):
        return LEFT + min(max(v, 0.0), x_max) / x_max * plot_w

    def py(v):
        return TOP + plot_h - min(max(v, 0.0), y_max) / y_max * plot_h

    sx, sy = px(x_split), py(y_split)
    ident = escape(chart_id)
    # A group, not an image: an image's content is hidden from assistive technology, and the points are
    # links that must stay reachable.
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart quadrant-chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="group" aria-labelledby="{ident}-title {ident}-desc">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(description)}</desc>',
    ]
    areas = {"top_left": (LEFT, TOP, sx - LEFT, sy - TOP), "top_right": (sx, TOP, LEFT + plot_w - sx, sy - TOP),
             "bottom_left": (LEFT, sy, sx - LEFT, TOP + plot_h - sy),
             "bottom_right": (sx, sy, LEFT + plot_w - sx, TOP + plot_h - sy)}
    for corner in CORNERS:
        ax, ay, aw, ah = areas[corner]
        parts.append(f'<rect class="quadrant quadrant-{corner.replace("_", "-")}" x="{ax:.1f}" y="{ay:.1f}" '
                     f'width="{max(aw, 0):.1f}" height="{max(ah, 0):.1f}"/>')
        tx, ty, anchor = _corner_anchor(corner, areas[corner])
        parts.append(f'<text class="quadrant-label" x="{tx:.1f}" y="{ty:.1f}" text-anchor="{anchor}">'
                     f'{escape(corners[corner])}</text>')
    parts.append(f'<line class="divider" x1="{sx:.1f}" y1="{TOP}" x2="{sx:.1f}" y2="{TOP + plot_h}"/>')
    parts.append(f'<line class="divider" x1="{LEFT}" y1="{sy:.1f}" x2="{LEFT + plot_w}" y2="{sy:.1f}"/>')
    parts.append(f'<line class="axis" x1="{LEFT}" y1="{TOP + plot_h}" x2="{LEFT + plot_w}" y2="{TOP + plot_h}"/>')
    parts.append(f'<line class="axis" x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}"/>')
    for value, text in x_ticks:
        parts.append(f'<text class="tick" x="{px(value):.1f}" y="{TOP + plot_h + 18}" text-anchor="middle">'
                     f'{escape(text)}</text>')
    for value, text in y_ticks:
        parts.append(f'<text class="tick" x="{LEFT - 6}" y="{py(value) + 4:.1f}" text-anchor="end">'
                     f'{escape(text)}</text>')
    if x_label:
        parts.append(f'<text class="axis-label" x="{LEFT + plot_w / 2:.1f}" y="{HEIGHT - 12}" '
                     f'text-anchor="middle">{escape(x_label)}</text>')
    if y_label:
        parts.append(f'<text class="axis-label" x="16" y="{TOP + plot_h / 2:.1f}" text-anchor="middle" '
                     f'transform="rotate(-90 16 {TOP + plot_h / 2:.1f})">{escape(y_label)}</text>')
    corner_boxes = [text_box(corners[c], *_corner_anchor(c, areas[c]), LABEL_FONT * BOLD) for c in CORNERS]
    # Names keep off the dividing lines too, where the dashes would cross them out.
    dividers = [Box(sx - 1, TOP, 2, plot_h), Box(LEFT, sy - 1, plot_w, 2)]
    labels, key = _layout(dots, [(px(d.x), py(d.y)) for d in dots], Box(LEFT, TOP, plot_w, plot_h),
                          corner_boxes + dividers)
    for number, (dot, label) in enumerate(zip(dots, labels), start=1):
        cx, cy = px(dot.x), py(dot.y)
        css = f"dot {dot.css_class}".strip()
        text = str(number) if key else dot.label
        parts.append(f'<a href="{escape(dot.href)}" class="dot-link">'
                     f'<title>{escape(dot.title or dot.label)}</title>'
                     f'<circle class="{escape(css)}" cx="{cx:.1f}" cy="{cy:.1f}" r="{RADIUS}"/>')
        if label:
            if _far(label.box, cx, cy):
                # A label pushed away from its point keeps a thin line to it.
                ex, ey = _nearest(label.box, cx, cy)
                parts.append(f'<line class="leader" x1="{cx:.1f}" y1="{cy:.1f}" x2="{ex:.1f}" y2="{ey:.1f}"/>')
            parts.append(f'<text class="dot-label" x="{label.x:.1f}" y="{label.y:.1f}" '
                         f'text-anchor="{label.anchor}">{escape(text)}</text>')
        parts.append('</a>')
    parts.append("</svg>")
    if key:
        # Too crowded for names: the points carry numbers, and this key names them.
        parts.append(f'<ol class="chart-key" aria-label="{escape(title)}: key to the numbered points">')
        parts.extend(f'<li>{escape(dot.label)}</li>' for dot in dots)
        parts.append("</ol>")
    # Safe: every text and attribute value in it was escaped above.
    return Markup("".join(parts))  # nosec B704


def _layout(dots, points, bounds, obstacles):
    """The labels of ``dots`` (a :class:`~dualdash.charts.labels.Placed` or None each), and whether they are
    numbers with a key: names when every one fits, else numbers, as many as fit."""
    names = place_labels(points, [d.label for d in dots], bounds, font_size=LABEL_FONT, radius=RADIUS + 1,
                         obstacles=obstacles)
    if all(names):
        return names, False
    numbers = place_labels(points, [str(n) for n in range(1, len(dots) + 1)], bounds, font_size=LABEL_FONT,
                           radius=RADIUS + 1, obstacles=obstacles, pushes=NUMBER_PUSHES)
    return numbers, True


def _corner_anchor(corner, area):
    """Where a quadrant's name is written: (x, baseline, anchor)."""
    ax, ay, aw, ah = area
    left_side = corner.endswith("left")
    tx = ax + 8 if left_side else ax + aw - 8
    ty = ay + 18 if corner.startswith("top") else ay + ah - 10
    return tx, ty, "start" if left_side else "end"


def _nearest(box, x, y):
    """The point of ``box`` nearest to (x, y)."""
    return min(max(x, box.x), box.right), min(max(y, box.y), box.bottom)


def _far(box, x, y):
    nx, ny = _nearest(box, x, y)
    return ((nx - x) ** 2 + (ny - y) ** 2) ** 0.5 > RADIUS + 8
