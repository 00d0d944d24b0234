"""A four-quadrant scatter chart as inline SVG (results × drivers).

Pure: points in, markup out. No scripts and no style attributes: colours come from CSS classes.
Each point is a link (``<a href>`` inside the SVG) with the person's name as its text and title, so
it can be followed with a keyboard, and the quadrants are named in words, not colours."""
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 760
HEIGHT = 520
LEFT, RIGHT, TOP, BOTTOM = 70, 20, 20, 60
RADIUS = 6
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
        left_side = corner.endswith("left")
        tx = ax + 8 if left_side else ax + aw - 8
        ty = ay + 18 if corner.startswith("top") else ay + ah - 10
        anchor = "start" if left_side else "end"
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
    for dot in dots:
        cx, cy = px(dot.x), py(dot.y)
        # Labels near the right edge go to the left of their point, so they stay inside the chart.
        flip = cx > LEFT + plot_w - 150
        lx, anchor = (cx - RADIUS - 4, "end") if flip else (cx + RADIUS + 4, "start")
        css = f"dot {dot.css_class}".strip()
        parts.append(f'<a href="{escape(dot.href)}" class="dot-link">'
                     f'<title>{escape(dot.title or dot.label)}</title>'
                     f'<circle class="{escape(css)}" cx="{cx:.1f}" cy="{cy:.1f}" r="{RADIUS}"/>'
                     f'<text class="dot-label" x="{lx:.1f}" y="{cy + 4:.1f}" text-anchor="{anchor}">'
                     f'{escape(dot.label)}</text></a>')
    parts.append("</svg>")
    # Safe: every text and attribute value in it was escaped above.
    return Markup("".join(parts))  # nosec B704
