"""The reports' SVG charts: horizontal bars (a phone reads a name above its bar better than under
a narrow column), one or several stacked series per bar, every value written beside its bar.
The geometry is computed here so the page needs no script; colours are presentation attributes
(the site's CSP allows no inline style)."""

from __future__ import annotations

from dataclasses import dataclass, field

# The drawing's own units: as wide as a small phone's screen, so its text keeps its size there.
WIDTH, LEFT, VALUE_ROOM = 360, 4, 84
ROW, BAR, LABEL = 46, 18, 15
# A part of a stacked bar this wide has its value written inside it.
ROOM_FOR_A_VALUE = 22
# About as many characters of a 14-unit font as the drawing's width holds.
LABEL_CHARACTERS = 40
# Told apart by colour and by the legend's order; dark enough for white behind them.
COLOURS = ("#2a6fb0", "#d9822b", "#3a8d5c", "#8e5ab5", "#b3404a", "#5a6572", "#1f9aa3")


@dataclass(frozen=True)
class Segment:
    x: float
    width: float
    colour: str
    title: str
    value: str  # written inside the part when it has room (a stacked bar's), else ""

    @property
    def middle(self) -> float:
        return round(self.x + self.width / 2, 1)


@dataclass(frozen=True)
class Bar:
    label: str  # as drawn: cut to fit the drawing's width
    full_label: str
    label_y: float
    bar_y: float
    segments: list[Segment]
    value: str
    value_x: float
    value_y: float


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    legend: list[tuple[str, str]] = field(default_factory=list)  # (name, colour)


@dataclass(frozen=True)
class Row:
    """A bar: its name, each series' value (and how it is written), the total as written."""

    label: str
    values: list[tuple[float, str]]
    total: str
    names: list[str] | None = None  # each part's own name, where the legend's is too general


def bar_chart(
    rows: list[Row], series: list[str] | None = None, *, values_inside: bool = True
) -> Chart:
    """Bars scaled to the largest total; ``series`` names the stacked parts for the legend.
    Without ``values_inside``, a part's value is in its tooltip only (amounts of money are
    too long to fit inside a part)."""
    peak = max((sum(value for value, _ in row.values) for row in rows), default=0) or 1
    room = WIDTH - LEFT - VALUE_ROOM
    bars = []
    for index, row in enumerate(rows):
        top = index * ROW
        x = float(LEFT)
        segments = []
        for part, (value, said) in enumerate(row.values):
            width = round(value / peak * room, 1)
            name = series[part] if series else row.label
            if row.names:
                name = row.names[part]
            roomy = values_inside and width >= ROOM_FOR_A_VALUE
            inside = said if series and value and roomy else ""
            colour = COLOURS[part % len(COLOURS)]
            segments.append(Segment(round(x, 1), width, colour, f"{name}: {said}", inside))
            x += width
        bars.append(
            Bar(
                label=_fitted(row.label),
                full_label=row.label,
                label_y=top + LABEL,
                bar_y=top + LABEL + 4,
                segments=segments,
                value=row.total,
                value_x=round(x + 4, 1),
                value_y=top + LABEL + 4 + BAR - 4,
            )
        )
    legend = [(name, COLOURS[part % len(COLOURS)]) for part, name in enumerate(series or [])]
    return Chart(WIDTH, max(len(rows), 1) * ROW + 4, bars, legend)


def _fitted(label: str) -> str:
    """``label`` cut with an ellipsis when it would run past the drawing's right edge."""
    if len(label) <= LABEL_CHARACTERS:
        return label
    return label[: LABEL_CHARACTERS - 1].rstrip() + "…"
