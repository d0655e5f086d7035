"""`keyplan export ACCOUNT --format md`: the whole plan as Markdown, for a wiki or an email.

It reads well as plain text too: a heading per section, "- **Label:** value" lines,
pipe tables, and each picture of the plan page as its text equivalent (the heat map
as a power x relationship table with the pictures' shapes, the whitespace grid as a
table of "Sold", "$45K", "n/a"). What a section shows is defined once, in `outline`.
"""

import re

from keyplan.accounts.models import Account
from keyplan.core import clock
from keyplan.exchange.documents import outline, sections
from keyplan.exchange.documents.headline import day

# Characters Markdown would read as markup (emphasis, code, links, HTML, table cells).
SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def escape(text: str) -> str:
    return SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def _fields(block: outline.Fields) -> list[str]:
    return [f"- **{escape(name)}:** {escape(value)}" for name, value in block.pairs]


def _table(block: outline.TableBlock) -> list[str]:
    out = [f"**{escape(block.title)}**", ""] if block.title else []
    if not block.rows:
        return [*out, f"_{block.empty}_"]
    out += [
        "| " + " | ".join(escape(c) for c in block.columns) + " |",
        "|" + "|".join(" --- " for _ in block.columns) + "|",
    ]
    out += ["| " + " | ".join(escape(v) or " " for v in row) + " |" for row in block.rows]
    return out


def _items(block: outline.Items) -> list[str]:
    lines = [f"- {escape(item)}" for item in block.items] or [f"- _{outline.NONE_YET}_"]
    return [f"**{escape(block.title)}**", "", *lines]


def _block(block) -> list[str]:
    if block.kind == "picture":
        return _table(block.alt) if block.alt else []
    return {"fields": _fields, "table": _table, "items": _items}[block.kind](block)


def render(account: Account) -> str:
    """The plan of `account` as a Markdown document."""
    loaded = sections.load(account)
    name = loaded.doc["account"]["name"]
    out = [
        f"# {escape(name)}: account plan",
        "",
        f"Printed from keyplan on {day(clock.today())}.",
    ]
    for section in loaded.sections:
        out += ["", f"## {escape(section.title)}"]
        for block in section.blocks:
            lines = _block(block)
            if lines:
                out += ["", *lines]
    return "\n".join(out) + "\n"
