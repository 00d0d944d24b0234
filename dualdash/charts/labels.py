"""Where the text labels of a chart go, so that no two overlap and none covers a point's marker.

Pure and deterministic: the same points always give the same layout. Text is measured with a conservative
estimate per character (the server cannot know the reader's font), so a label's box is a little larger
than what the browser draws, never smaller."""
from dataclasses import dataclass

#: The width of one character, as a share of the font size: wider than the average of the sans-serif
#: fonts a browser picks for ``system-ui``, so that a measured box holds the drawn text.
CHAR_WIDTH = 0.62
#: The height of a line of text, as a share of the font size.
LINE_HEIGHT = 1.25
#: The gap between a marker and its label, in the chart's units.
GAP = 3
#: The least room kept between two labels, so that rounding the coordinates never makes them touch.
SPACING = 1


@dataclass(frozen=True)
class Box:
    """A rectangle in the chart's units: left ``x``, top ``y``, ``width``, ``height``."""

    x: float
    y: float
    width: float
    height: float

    @property
    def right(self):
        return self.x + self.width

    @property
    def bottom(self):
        return self.y + self.height

    def overlaps(self, other):
        """Whether the two rectangles share some area (touching edges do not count)."""
        return (self.x < other.right and other.x < self.right and self.y < other.bottom and other.y < self.bottom)

    def grown(self, by):
        """The same rectangle, ``by`` larger on every side."""
        return Box(self.x - by, self.y - by, self.width + 2 * by, self.height + 2 * by)

    def inside(self, other):
        """Whether this rectangle lies wholly within ``other``."""
        return (self.x >= other.x and self.y >= other.y and self.right <= other.right
                and self.bottom <= other.bottom)


@dataclass(frozen=True)
class Placed:
    """A label put somewhere: its box, and where to write it (``x``, baseline ``y``, ``anchor`` as SVG's
    ``text-anchor``)."""

    box: Box
    x: float
    y: float
    anchor: str


def text_box(text, x, baseline, anchor, font_size):
    """The box that ``text`` drawn at ``x``/``baseline`` with ``anchor`` takes up, by the estimate above."""
    width = len(text) * font_size * CHAR_WIDTH
    left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
    height = font_size * LINE_HEIGHT
    # The baseline sits at about four fifths of the line: descenders below it, the rest above.
    return Box(left, baseline - height * 0.8, width, height)


def marker_box(cx, cy, radius):
    """The square around a round marker of ``radius`` (its stroke included)."""
    return Box(cx - radius, cy - radius, radius * 2, radius * 2)


def _candidates(cx, cy, radius, font_size, pushes):
    """Where a label of a point may go, nearest first: beside, above and below the marker, then the same
    places pushed further up and down, step by step (a line of text at a time)."""
    near = radius + GAP
    lift = font_size * 0.35  # from a baseline to the middle of the text
    line = font_size * LINE_HEIGHT + SPACING * 2
    around = [
        (cx + near, cy + lift, "start"), (cx - near, cy + lift, "end"),
        (cx, cy - near - line * 0.2, "middle"), (cx, cy + near + line * 0.8, "middle"),
        (cx + near, cy - near, "start"), (cx + near, cy + near + line * 0.6, "start"),
        (cx - near, cy - near, "end"), (cx - near, cy + near + line * 0.6, "end"),
    ]
    yield from around
    for step in range(1, pushes + 1):
        for direction in (-1, 1):
            shift = direction * step * line
            yield from ((x, y + shift, anchor) for x, y, anchor in around)


def place_labels(points, texts, bounds, *, font_size, radius, obstacles=(), pushes=6):
    """A :class:`Placed` for each of ``texts`` (one per ``(x, y)`` of ``points``, in order), or None where
    it cannot go: inside ``bounds`` (a :class:`Box`), clear of every marker, of ``obstacles`` (boxes) and of
    the labels placed before it. Points are labelled from the most crowded area first, where room is
    scarcest; ``pushes`` is how many lines up or down a label may move from its point."""
    markers = [marker_box(x, y, radius) for x, y in points]
    taken = [*markers, *obstacles]
    placed = [None] * len(points)

    def crowding(index):
        x, y = points[index]
        near = sum(1 for ox, oy in points if abs(ox - x) < 80 and abs(oy - y) < 40)
        return (-near, x, y, index)

    for index in sorted(range(len(points)), key=crowding):
        x, y = points[index]
        for lx, ly, anchor in _candidates(x, y, radius, font_size, pushes):
            box = text_box(texts[index], lx, ly, anchor, font_size)
            room = box.grown(SPACING)
            if box.inside(bounds) and not any(room.overlaps(other) for other in taken):
                placed[index] = Placed(box, lx, ly, anchor)
                taken.append(box)
                break
    return placed
