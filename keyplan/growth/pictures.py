"""The whitespace grid (plan section 5) as plain SVG 1.1: business units against the
product catalog, with the open (unsold) value per unit, per product and in total.

Like the stakeholder pictures it reads a loaded `Plan`,
runs no query, and never uses colour alone: every cell also says what it is
("Sold", "Eval", "$45K", "n/a", "-").
"""

import math
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from textwrap import shorten

from django.utils.safestring import SafeString, mark_safe

from keyplan.core.money import format_compact, format_money
from keyplan.core.svg import FONT, INK, MUTED, document, el, fit, hover, text, with_link
from keyplan.growth.models import CELL_COLOURS, BusinessUnit, CellStatus, Product, WhitespaceCell

CellLink = Callable[[BusinessUnit, Product, WhitespaceCell | None], str | None] | None

# Fill and text colour per CELL_COLOURS name; white text only on fills dark enough for it.
PAINT = {
    "green": ("#188038", "#ffffff"),
    "yellow": ("#f9ab00", INK),
    "red": ("#c5221f", "#ffffff"),
    "grey": ("#dadce0", "#3c4043"),
    None: ("#ffffff", MUTED),  # no record yet
}
SHORT = {CellStatus.SOLD: "Sold", CellStatus.EVALUATING: "Eval", CellStatus.NOT_APPLICABLE: "n/a"}
BOLD = {"font_weight": "bold"}
HEADING = {"size": 11.5, "font_weight": "bold", "text_anchor": "middle"}
CELL_W, CELL_H, GAP, TOTAL_W, MARGIN = 104, 38, 3, 112, 16
OPEN = "Open whitespace"


def wrap(content: str, width: float, size: float, lines: int = 2) -> list[str]:
    """Words (in bold) flowed into at most `lines` lines of about `width` pixels, the last
    one cut."""
    room, out = max(int(width / (size * 0.68)), 2), [""]
    for word in content.split():
        if not out[-1] or len(out[-1]) + 1 + len(word) <= room or len(out) == lines:
            out[-1] = f"{out[-1]} {word}".strip()
        else:
            out.append(word)
    return [fit(line, width, size, bold=True) for line in out]


def cell_text(cell: WhitespaceCell | None, currency: str) -> str:
    if cell is None:
        return "-"
    if cell.status == CellStatus.OPEN:
        return format_compact(cell.estimated_value, currency) if cell.estimated_value else "Open"
    return SHORT.get(cell.status, cell.get_status_display())


def describe(plan, unit, product, cell: WhitespaceCell | None, currency: str) -> str:
    """The hover text of a cell: where, status, value, fit and champion."""
    lines = [f"{unit.name} × {product.name}"]
    if cell is None:
        return "\n".join([*lines, "Not assessed yet"])
    lines.append(cell.get_status_display())
    if cell.estimated_value is not None:
        lines.append(f"Estimated value: {format_money(cell.estimated_value, currency)} a year")
    if cell.fit:
        lines.append(f"Fit: {cell.get_fit_display()}")
    if cell.champion_id and plan.person(cell.champion_id):
        lines.append(f"Champion: {plan.person(cell.champion_id)}")
    if cell.notes:
        lines.append(shorten(cell.notes, 300, placeholder="…"))
    return "\n".join(lines)


def grid_cell(plan, unit, product, cell, x, y, link: CellLink, currency: str) -> str:
    colour = CELL_COLOURS.get(cell.status, "grey") if cell else None
    fill, ink = PAINT[colour]
    group = el(
        "g",
        hover(describe(plan, unit, product, cell, currency)),
        el(
            "rect",
            x=x,
            y=y,
            width=CELL_W,
            height=CELL_H,
            rx=3,
            fill=fill,
            stroke="#9aa0a6" if cell is None else fill,
        ),
        text(
            x + CELL_W / 2,
            y + CELL_H / 2 + 4.5,
            cell_text(cell, currency),
            size=13,
            fill=ink,
            text_anchor="middle",
            font_weight="bold" if cell else None,
        ),
        class_=f"cell cell-{colour or 'empty'}",
        data_unit=unit.pk,
        data_product=product.pk,
        data_status=cell.status if cell else "",
    )
    return with_link(group, link(unit, product, cell) if link else None)


def total(x, y, width, amount: Decimal, about: str, currency: str, **data) -> str:
    """An open-whitespace total: a sum of open cells' estimated values."""
    shown = format_compact(amount, currency)
    return el(
        "g",
        hover(f"{OPEN} {about}: {format_money(amount, currency)}"),
        el("rect", x=x, y=y, width=width, height=CELL_H, fill="#f1f3f4"),
        text(x + width / 2, y + CELL_H / 2 + 4.5, shown, **BOLD, size=13, text_anchor="middle"),
        class_="total",
        **data,
    )


def legend(currency: str, y: float, width: float) -> tuple[str, float]:
    """A sample of each kind of cell with its text and meaning, flowed into lines;
    returns (svg, bottom)."""
    samples = [
        (CellStatus.SOLD, "Sold", "Green: sold and live"),
        (CellStatus.EVALUATING, "Eval", "Yellow: in evaluation or trial"),
        (CellStatus.OPEN, format_compact(Decimal(45000), currency), "Red: open, estimated value"),
        (CellStatus.NOT_APPLICABLE, "n/a", "Grey: not applicable"),
        (None, "-", "White: not assessed yet"),
    ]
    x, parts = MARGIN, []
    for status, sample, meaning in samples:
        need = 50 + len(meaning) * 11.5 * 0.58
        if x > MARGIN and x + need > width - MARGIN:
            x, y = MARGIN, y + 30
        fill, ink = PAINT[CELL_COLOURS[status] if status else None]
        parts += [
            el("rect", x=x, y=y, width=44, height=22, rx=3, fill=fill, stroke="#9aa0a6"),
            text(x + 22, y + 15, sample, size=11, fill=ink, text_anchor="middle"),
            text(x + 50, y + 15, meaning, size=11.5),
        ]
        x += need + 22
    return el("g", *parts, class_="legend"), y + 22


def _frame(units, products) -> tuple[float, float, float, list[list[str]]]:
    """The grid's geometry: the width of the unit names' column, where the cells start
    (left, top), and each column's heading lines (the products', then the totals')."""
    label_width = min(max(len(n) for n in [OPEN, *(u.name for u in units)]) * 7.2 + 12, 220)
    headers = [wrap(p.name, CELL_W - 6, 11.5) for p in products] + [wrap(OPEN, TOTAL_W - 6, 11.5)]
    top = MARGIN + 16 * max(len(lines) for lines in headers) + 8
    return label_width, MARGIN + label_width, top, headers


def _row_labels(units, label_width: float, left: float, top: float) -> list[str]:
    """The unit names down the left, and the totals row's label under them."""
    step_y = CELL_H + GAP
    labels = [
        text(left - 10, top + row * step_y + CELL_H / 2 + 4.5, fit(unit.name, label_width - 10),
             text_anchor="end")
        for row, unit in enumerate(units)
    ]  # fmt: skip
    y = top + len(units) * step_y + 4
    return [*labels, text(left - 10, y + CELL_H / 2 + 4.5, OPEN, **BOLD, text_anchor="end")]


def whitespace_labels_svg(plan) -> SafeString:
    """The grid's unit-name column alone, drawn where the grid draws it: a page lays it
    over the grid and keeps it in place while a narrow screen scrolls the cells
    sideways. Hidden from assistive technology, which reads the names in the grid."""
    label_width, left, top, _ = _frame(plan.units, plan.products)
    height = math.ceil(top + len(plan.units) * (CELL_H + GAP) + 4 + CELL_H)
    body = "".join(_row_labels(plan.units, label_width, left, top))
    return mark_safe(
        '<svg xmlns="http://www.w3.org/2000/svg" class="unit-names" aria-hidden="true"'
        f' focusable="false" width="{math.ceil(left)}" height="{height}"'
        f' viewBox="0 0 {math.ceil(left)} {height}" font-family="{FONT}">'
        f'<rect width="{math.ceil(left)}" height="{height}" fill="#ffffff"/>{body}</svg>'
    )  # every text in it is escaped by svg.text


def whitespace_grid_svg(plan, *, link: CellLink = None) -> SafeString:
    """Business units (rows) against every catalog product (columns), coloured by status,
    with the open whitespace per unit (right), per product (bottom) and in total, in
    the organisation's currency. `link(unit, product, cell or None)` gives a cell's URL.
    """
    units, products, currency = plan.units, plan.products, plan.currency
    cells = {(c.business_unit_id, c.product_id): c for c in plan.cells}
    by_unit, by_product = defaultdict(Decimal), defaultdict(Decimal)
    for cell in plan.cells:
        if cell.status == CellStatus.OPEN and cell.estimated_value:
            by_unit[cell.business_unit_id] += cell.estimated_value
            by_product[cell.product_id] += cell.estimated_value
    label_width, left, top, headers = _frame(units, products)
    step_x, step_y = CELL_W + GAP, CELL_H + GAP
    right = left + step_x * len(products)  # where the totals column starts
    body = [
        text(
            left + col * step_x + (TOTAL_W if col == len(products) else CELL_W) / 2,
            top - 10 - 15 * (len(lines) - 1 - n),
            line,
            **HEADING,
        )
        for col, lines in enumerate(headers)
        for n, line in enumerate(lines)
    ]
    body += _row_labels(units, label_width, left, top)
    for row, unit in enumerate(units):
        y = top + row * step_y
        body += [
            grid_cell(
                plan,
                unit,
                product,
                cells.get((unit.pk, product.pk)),
                left + col * step_x,
                y,
                link,
                currency,
            )
            for col, product in enumerate(products)
        ]
        about = f"in {unit.name}"
        body.append(
            total(
                right,
                y,
                TOTAL_W,
                by_unit[unit.pk],
                about,
                currency,
                data_total="row",
                data_unit=unit.pk,
            )
        )
    y = top + len(units) * step_y + 4  # the totals row, a little apart
    body += [
        total(
            left + col * step_x,
            y,
            CELL_W,
            by_product[p.pk],
            f"for {p.name}",
            currency,
            data_total="column",
            data_product=p.pk,
        )
        for col, p in enumerate(products)
    ]
    grand = sum(by_unit.values(), Decimal(0))
    body.append(total(right, y, TOTAL_W, grand, "in total", currency, data_total="all"))
    if not units:
        body.append(text(left, y - 12, "No business units yet", fill=MUTED, size=13))
    width = max(right + TOTAL_W + MARGIN, 640)
    key, bottom = legend(currency, y + CELL_H + 20, width)
    body.append(key)
    return document(width, bottom + MARGIN, f"Whitespace of {plan.account.name}", body)
