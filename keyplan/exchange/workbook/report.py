"""What a workbook import did or would do, per section of the plan, for a person to read."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from keyplan.core.sanity import Suspect
from keyplan.exchange.report import Section, checks_lines, listed
from keyplan.exchange.workbook.layout import SECTION_ORDER


@dataclass
class WorkbookReport:
    file: str
    account: str = ""
    new_account: bool = False
    applied: bool = False
    sections: dict[str, Section] = field(default_factory=lambda: defaultdict(Section))
    untouched: list[str] = field(default_factory=list)
    # When the workbook was made (its stamps), None when it does not say (a template).
    made: datetime | None = None
    # Per section, the records keyplan added or changed after the workbook was made
    # that the workbook would remove: kept, each with who and when (since.py).
    conflicts: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    # Values saved as given that look wrong (core.sanity), each naming its record.
    checks: list[Suspect] = field(default_factory=list)

    @property
    def changes(self) -> int:
        """What the report lists: the changes and the conflicts."""
        return sum(map(len, self.sections.values())) + sum(map(len, self.conflicts.values()))

    @property
    def writes(self) -> int:
        """The changes applying would make (conflicts are kept as keyplan has them)."""
        return sum(map(len, self.sections.values()))

    @property
    def removals(self) -> int:
        return sum(len(section.removed) for section in self.sections.values())

    def lines(self) -> list[str]:
        verb = ("Created" if self.applied else "Would create") if self.new_account else None
        head = f"{verb} the account {self.account}" if verb else f"{self.account}"
        lines = [f"{head} (from {self.file})"]
        if self.made is not None and any(self.conflicts.values()):
            made = timezone.localtime(self.made).strftime("%Y-%m-%d %H:%M")
            lines.append(
                f"  The workbook was made on {made}: what keyplan added or changed since is "
                "kept as it is."
            )
        elif self.removals:
            lines.append(
                "  This workbook does not say when it was made (a template, or a file from "
                "elsewhere): every record of the plan missing from its sheets is removed, "
                f"even one added in keyplan meanwhile. {self.removals} removed, each named "
                "below."
            )
        titles = set(self.sections) | {t for t, kept in self.conflicts.items() if kept}
        for title in sorted(titles, key=SECTION_ORDER.index):
            section, kept = self.sections[title], self.conflicts.get(title, [])
            if not (section or kept):
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
                removed = listed(section.removed, limit=len(section.removed))
                parts.append(f"{len(section.removed)} removed ({removed})")
            if kept:
                noun = "conflict" if len(kept) == 1 else "conflicts"
                parts.append(f"{len(kept)} {noun} ({listed(kept, limit=len(kept))})")
            lines.append(f"  {title}: " + ", ".join(parts))
        if not self.changes and not self.new_account:
            lines.append("  Nothing to change: the plan already matches the workbook.")
        for sheet in self.untouched:
            lines.append(f"  (no sheet “{sheet}”: that part of the plan is left as it is)")
        lines += [f"  {line}" for line in checks_lines(self.checks)]
        return lines
