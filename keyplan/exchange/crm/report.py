"""What a CRM import did or would do: per object of the export, the rows read,
imported (created, updated, unchanged) and skipped with the reason; per key
account, what changed in the CRM since the last import, section by section, each
changed value shown as it was and as it is now."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.template.defaultfilters import pluralize

from keyplan.core.sanity import Suspect
from keyplan.exchange.problems import Problem
from keyplan.exchange.report import Section, checks_lines, listed
from keyplan.exchange.workbook.layout import PRODUCTS_SECTION, SECTION_ORDER


@dataclass
class Tally:
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    matched: int = 0  # CRM users found among keyplan's (they are not imported)
    skipped: Counter = field(default_factory=Counter)

    @property
    def imported(self) -> int:
        return self.created + self.updated + self.unchanged

    def as_json(self) -> dict:
        words = ("read", "created", "updated", "unchanged")
        return {word: getattr(self, word) for word in words} | {"skipped": dict(self.skipped)}

    def line(self, name: str) -> str:
        parts = [f"{self.read:,} row{pluralize(self.read)}"]
        done = [
            f"{n:,} {word}"
            for n, word in (
                (self.created, "created"),
                (self.updated, "updated"),
                (self.unchanged, "unchanged"),
            )
            if n
        ]
        if self.matched:
            parts.append(f"{self.matched:,} matched to keyplan users")
        if self.imported or not self.matched:
            parts.append(f"{self.imported:,} imported" + (f" ({', '.join(done)})" if done else ""))
        skipped = sum(self.skipped.values())
        if skipped:
            reasons = ", ".join(f"{n:,} {reason}" for reason, n in self.skipped.most_common())
            parts.append(f"{skipped:,} skipped ({reasons})")
        return f"  {name}: " + "; ".join(parts)


@dataclass
class AccountReport:
    name: str
    crm_id: str
    new: bool = False
    adopted: bool = False  # an account keyplan had, now tied to its CRM record
    sections: dict[str, Section] = field(default_factory=lambda: defaultdict(Section))

    @property
    def changes(self) -> int:
        return sum(map(len, self.sections.values()))


@dataclass
class CrmReport:
    label: str  # Salesforce, HubSpot
    source: str  # the export's name
    files: list[str]
    applied: bool = False
    objects: dict[str, Tally] = field(default_factory=dict)
    accounts: list[AccountReport] = field(default_factory=list)
    catalog: Section = field(default_factory=Section)
    notes: list[str] = field(default_factory=list)
    # Values left out and rows skipped; the rest imported. Each says what was done.
    warnings: list[Problem] = field(default_factory=list)
    # Values imported as given that look wrong (core.sanity), each naming its record.
    checks: list[Suspect] = field(default_factory=list)

    @property
    def changes(self) -> int:
        catalog = len(self.catalog.created) + len(self.catalog.changed)
        return catalog + sum(a.changes + a.new for a in self.accounts)

    def tally(self, object_name: str) -> Tally:
        return self.objects.setdefault(object_name, Tally())

    @property
    def summary(self) -> list[str]:
        """The lines without the warnings, for a page that lists those apart."""
        return self.lines(warnings=False)

    def lines(self, *, warnings: bool = True) -> list[str]:
        files = ", ".join(f.rsplit(": ", 1)[-1] for f in self.files)
        head = f"{self.label} export {self.source}"
        lines = [head if files == self.source else f"{head} ({files})"]
        lines += [tally.line(name) for name, tally in self.objects.items()]
        if self.catalog:
            lines.append(_section_line(PRODUCTS_SECTION, self.catalog, indent="  "))
        for account in self.accounts:
            lines += self._account_lines(account)
        lines += [f"  ({note})" for note in self.notes]
        lines += checks_lines(self.checks)
        if self.warnings and warnings:
            count = len(self.warnings)
            lines.append(
                f"{count:,} warning{pluralize(count)}: "
                + ("imported" if self.applied else "would import")
                + " without these values or rows; values left out are kept in each "
                "record's CRM notes"
            )
            lines += [f"  {warning}" for warning in self.warnings]
        return lines

    def as_json(self) -> dict:
        """The report for scripts: counts over every object, each warning where it was."""
        totals = {
            word: sum(getattr(t, word) for t in self.objects.values())
            for word in ("created", "updated", "unchanged")
        }
        return {
            "source": self.source,
            "applied": self.applied,
            **totals,
            "skipped": sum(sum(t.skipped.values()) for t in self.objects.values()),
            "objects": {name: t.as_json() for name, t in self.objects.items()},
            "accounts": [
                {"name": a.name, "crm_id": a.crm_id, "new": a.new, "changes": a.changes}
                for a in self.accounts
            ],
            "warnings": [problem_json(w) for w in self.warnings],
            "checks": [check_json(c) for c in self.checks],
            "refused": [],
        }

    def _account_lines(self, account: AccountReport) -> list[str]:
        ref = f"{self.label} {account.crm_id}"
        if account.new:
            verb = "Created" if self.applied else "Would create"
            head = f"{verb} the account {account.name} ({ref})"
        elif account.adopted:
            verb = "Tied" if self.applied else "Would tie"
            head = f"{verb} the account {account.name} to {ref}"
        elif account.changes:
            head = f"{account.name}: changed in {self.label} since the last import"
        else:
            head = f"{account.name}: no change in {self.label} since the last import"
        lines = [head]
        ordered = sorted(account.sections.items(), key=lambda s: SECTION_ORDER.index(s[0]))
        lines += [_section_line(title, section) for title, section in ordered if section]
        return lines


def problem_json(problem: Problem) -> dict:
    return {
        "file": problem.file,
        "object": problem.object,
        "row": problem.row,
        "column": problem.header or problem.column,
        "message": problem.message,
        "value": problem.value,
    }


def check_json(check: Suspect) -> dict:
    """A value imported as given that looks wrong, beside the warnings (values left
    out, which come back on every import of the same file: a check fires only when the
    value changes): its record and field, and why."""
    return {
        "kind": check.kind,
        "id": check.pk,
        "record": check.record,
        "field": check.field,
        "message": check.message,
    }


def _section_line(title: str, section: Section, indent: str = "  ") -> str:
    parts = []
    if section.created:
        parts.append(f"{len(section.created)} new ({listed(section.created)})")
    if section.changed:
        described = listed([f"{name}: {'; '.join(f)}" for name, f in section.changed.items()])
        parts.append(f"{len(section.changed)} changed ({described})")
    if section.removed:  # an import removes nothing: these are kept
        parts.append(
            f"{len(section.removed)} no longer in the export, kept ({listed(section.removed)})"
        )
    return f"{indent}{title}: " + ", ".join(parts)
