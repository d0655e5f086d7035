"""Server-rendered SVG charts for the portfolio dashboard.

One kind of chart covers the dashboard's breakdowns: labelled horizontal bars,
each with its value written at its end (a number, not only a length) and, when a
URL is given, a link to the accounts behind it.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.safestring import SafeString

from keyplan.core.svg import INK, MUTED, document, el, fit, hover, text, with_link

BAR = "#1f5fbf"
ROW, LABEL_W, VALUE_W, WIDTH = 26, 190, 90, 620


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | int | float | None
    url: str | None = None
    colour: str = BAR


def bars(title: str, rows: Sequence[Bar], show: Callable[[object], str]) -> SafeString:
    """Horizontal bars scaled to the largest value; `show` formats a value."""
    values = [float(row.value or 0) for row in rows]
    top = max((abs(v) for v in values), default=0) or 1
    room = WIDTH - LABEL_W - VALUE_W - 20
    body = []
    for number, (row, value) in enumerate(zip(rows, values, strict=True)):
        y = 8 + number * ROW
        length = max(room * abs(value) / top, 1 if value else 0)
        shown = show(row.value) if row.value is not None else "not enough data"
        group = el(
            "g",
            hover(f"{row.label}: {shown}"),
            text(LABEL_W - 8, y + 16, fit(row.label, LABEL_W - 12), text_anchor="end"),
            el("rect", x=LABEL_W, y=y + 4, width=length, height=ROW - 10, fill=row.colour, rx=2),
            text(LABEL_W + length + 6, y + 16, shown, fill=INK if row.value is not None else MUTED),
            class_="bar",
            data_label=row.label,
            data_value="" if row.value is None else str(row.value),
        )
        body.append(with_link(group, row.url))
    if not rows:
        body.append(text(10, 24, "No data yet.", fill=MUTED))
    height = 16 + max(len(rows), 1) * ROW
    return document(WIDTH, height, title, body)
