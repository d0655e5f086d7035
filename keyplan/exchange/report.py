"""What an import did or would do to a plan, section by section: the records
created, changed and removed, for a person to read. Each importer's report
(workbook/report.py, crm/report.py) orders and words its sections."""

from dataclasses import dataclass, field

from django.template.defaultfilters import pluralize

from keyplan.core.sanity import Suspect


def listed(names: list[str], limit: int = 12) -> str:
    """The first `limit` names, then how many more."""
    more = len(names) - limit
    return "; ".join(names[:limit]) + (f"; and {more} more" if more > 0 else "")


def checks_lines(checks: list[Suspect]) -> list[str]:
    """The values an import saves as given that look wrong, each with its record: they
    are flagged on the plan ("check this value"). Worded alike for a dry run, which
    says apart that nothing was changed."""
    if not checks:
        return []
    count = len(checks)
    head = f"{count:,} value{pluralize(count)} to check, kept as given and flagged on the plan:"
    return [head, *(f"  {check}" for check in checks)]


@dataclass
class Section:
    created: list[str] = field(default_factory=list)
    changed: dict[str, list[str]] = field(default_factory=dict)  # record -> its changes
    removed: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.created) + len(self.changed) + len(self.removed)

    def note_changed(self, name: str, changes: list[str]) -> None:
        """Add `changes` of the record `name`, each once."""
        if changes:
            entry = self.changed.setdefault(name, [])
            entry += [c for c in changes if c not in entry]
