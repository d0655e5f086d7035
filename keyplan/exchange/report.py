"""What an import did or would do, per section of the plan, for a person to read."""

from collections import defaultdict
from dataclasses import dataclass, field

from keyplan.exchange.workbook import layout


def _listed(names: list[str], limit: int = 12) -> str:
    more = len(names) - limit
    return "; ".join(names[:limit]) + (f"; and {more} more" if more > 0 else "")


# Sections are reported in the plan's order (DESIGN.md section 2).
SECTION_ORDER = ["Products (catalog)"] + [
    t.section
    for sheet in layout.SHEET_ORDER
    for t in (*layout.FORMS, *layout.TABLES)
    if t.sheet == sheet
]


@dataclass
class Section:
    created: list[str] = field(default_factory=list)
    changed: dict[str, list[str]] = field(default_factory=dict)  # record -> fields
    removed: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.created or self.changed or self.removed)


@dataclass
class Report:
    file: str
    account: str = ""
    new_account: bool = False
    applied: bool = False
    sections: dict[str, Section] = field(default_factory=lambda: defaultdict(Section))
    untouched: list[str] = field(default_factory=list)

    @property
    def changes(self) -> int:
        return sum(len(s.created) + len(s.changed) + len(s.removed) for s in self.sections.values())

    def lines(self) -> list[str]:
        verb = ("Created" if self.applied else "Would create") if self.new_account else None
        head = f"{verb} the account {self.account}" if verb else f"{self.account}"
        lines = [f"{head} (from {self.file})"]
        ordered = sorted(self.sections.items(), key=lambda s: SECTION_ORDER.index(s[0]))
        for title, section in ordered:
            if not section:
                continue
            parts = []
            if section.created:
                parts.append(f"{len(section.created)} created ({_listed(section.created)})")
            if section.changed:
                described = _listed(
                    [f"{name}: {', '.join(fields)}" for name, fields in section.changed.items()]
                )
                parts.append(f"{len(section.changed)} changed ({described})")
            if section.removed:
                parts.append(f"{len(section.removed)} removed ({_listed(section.removed)})")
            lines.append(f"  {title}: " + ", ".join(parts))
        if not self.changes and not self.new_account:
            lines.append("  Nothing to change: the plan already matches the workbook.")
        for sheet in self.untouched:
            lines.append(f"  (no sheet “{sheet}”: that part of the plan is left as it is)")
        return lines
