"""What a workbook import did or would do, per section of the plan, for a person to read."""

from collections import defaultdict
from dataclasses import dataclass, field

from keyplan.exchange.report import Section, listed
from keyplan.exchange.workbook.layout import SECTION_ORDER


@dataclass
class WorkbookReport:
    file: str
    account: str = ""
    new_account: bool = False
    applied: bool = False
    sections: dict[str, Section] = field(default_factory=lambda: defaultdict(Section))
    untouched: list[str] = field(default_factory=list)

    @property
    def changes(self) -> int:
        return sum(map(len, self.sections.values()))

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
                parts.append(f"{len(section.created)} created ({listed(section.created)})")
            if section.changed:
                described = listed(
                    [f"{name}: {', '.join(fields)}" for name, fields in section.changed.items()]
                )
                parts.append(f"{len(section.changed)} changed ({described})")
            if section.removed:
                parts.append(f"{len(section.removed)} removed ({listed(section.removed)})")
            lines.append(f"  {title}: " + ", ".join(parts))
        if not self.changes and not self.new_account:
            lines.append("  Nothing to change: the plan already matches the workbook.")
        for sheet in self.untouched:
            lines.append(f"  (no sheet “{sheet}”: that part of the plan is left as it is)")
        return lines
