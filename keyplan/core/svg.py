"""Small helpers for the SVG pictures (heat map, org chart, whitespace grid, charts).

Pictures are plain SVG 1.1 built as strings: every text from data is escaped here,
and the markup needs no script, font download or stylesheet, so the same picture
works inline in a page, in a PDF and in tests.
"""

import math
from collections.abc import Iterable

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"  # what browsers and print have, no download
INK, MUTED = "#1f2937", "#6b7280"


def attrs(**values: object) -> str:
    """` name="value"` pairs, escaped; `class_` is `class`, `data_x` is `data-x`."""
    pairs = []
    for name, value in values.items():
        if value is not None:
            if isinstance(value, float):
                value = f"{value:.1f}".removesuffix(".0")
            name = name.rstrip("_").replace("xlink_", "xlink:").replace("_", "-")
            pairs.append(f' {name}="{escape(value)}"')
    return "".join(pairs)


def el(tag: str, *children: str, **attributes: object) -> str:
    """An element; its attributes are escaped here, its children are markup already."""
    head = tag + attrs(**attributes)
    return f"<{head}>{''.join(children)}</{tag}>" if children else f"<{head}/>"


def text(
    x: float, y: float, content: str, *, size: float = 12, fill: str = INK, **extra: object
) -> str:
    return el("text", escape(content), x=x, y=y, font_size=size, fill=fill, **extra)


def hover(content: str) -> str:
    """A `<title>`: the tooltip of its parent element."""
    return f"<title>{escape(content)}</title>"


def fit(content: str, width: float, size: float = 12, *, bold: bool = False) -> str:
    """`content` cut with an ellipsis to about `width` pixels (an estimate: no font metrics)."""
    room = max(int(width / (size * (0.68 if bold else 0.6))), 2)
    return content if len(content) <= room else content[: room - 1].rstrip() + "…"


def with_link(element: str, url: str | None) -> str:
    # Both spellings of href: SVG 2 readers (browsers) and SVG 1.1 ones (older PDF tools).
    return el("a", element, href=url, xlink_href=url) if url else element


def document(width: float, height: float, title: str, body: Iterable[str]) -> SafeString:
    """The `<svg>` root, sized by its viewBox; its title names it for screen readers.

    A picture whose parts link to records is a group, not an image: an image's parts
    are hidden from assistive technology, so its links would be unreachable."""
    width, height = math.ceil(width), math.ceil(height)
    content = "".join(body)
    role = "group" if "<a " in content else "img"
    head = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
        f"{attrs(version='1.1', viewBox=f'0 0 {width} {height}', width=width, height=height)}"
        f"{attrs(role=role, font_family=FONT)}>{hover(title)}"
        + el("rect", width=width, height=height, fill="#ffffff")
    )
    return mark_safe(head + content + "</svg>")  # every text in it is escaped
