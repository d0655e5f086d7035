"""The people of a CRM import: contacts as stakeholders with their reporting
lines, and tasks and events as interactions with who took part."""

from collections import defaultdict

from keyplan.core import services
from keyplan.exchange.crm.records import Activity, Contact
from keyplan.exchange.crm.steps import PEOPLE, TOUCHES, CrmSteps, free_name
from keyplan.relationships.models import Interaction, InteractionStakeholder, Stakeholder

# The buying role a contact role suggests for a new stakeholder, strongest first.
ROLE_ORDER = (
    "economic_buyer",
    "executive_sponsor",
    "technical_buyer",
    "champion",
    "evaluator",
    "influencer",
    "user",
)


class PeopleSteps(CrmSteps):
    def _suggested_roles(self) -> dict[str, str]:
        best: dict[str, str] = {}
        for role in self.export.roles:
            suggested = role.buying_role
            if suggested not in ROLE_ORDER:
                continue
            current = best.get(role.contact_id)
            if current is None or ROLE_ORDER.index(suggested) < ROLE_ORDER.index(current):
                best[role.contact_id] = suggested
        return best

    def _stakeholders(self, contacts: list[Contact]) -> None:
        tally = self._tally("contact")
        pks = [a.pk for a in self.accounts.values()]
        stored = list(Stakeholder.objects.filter(account_id__in=pks))
        by_crm = self._index(stored, key=lambda s: (s.account_id,))
        by_name = {(s.account_id, s.name): s for s in stored}
        matched: dict[str, tuple] = {}
        claimed = {r.pk for r in by_crm.values()}
        for contact in contacts:
            account = self.accounts[contact.account_id]
            record = by_crm.get((account.pk, contact.crm_id))
            adopted = False
            if record is None:
                same = by_name.get((account.pk, contact.name))
                if same is not None and not same.crm_id and same.pk not in claimed:
                    record, adopted = same, True
                    claimed.add(same.pk)
            matched[contact.crm_id] = (contact, account, record, adopted)
        in_use = {r.pk for _, _, r, _ in matched.values() if r is not None}
        self._no_longer(stored, in_use, PEOPLE)
        taken = defaultdict(set)
        for s in stored:
            if s.pk not in in_use:
                taken[s.account_id].add(s.name)
        names = {}
        ordered = sorted(matched.values(), key=lambda m: m[2] is None)  # matched ones first
        for contact, account, record, _ in ordered:
            candidates = [contact.name]
            if contact.email:
                candidates.append(f"{contact.name} ({contact.email})")
            candidates.append(f"{contact.name} ({contact.crm_id})")
            candidates = [c[:120] for c in candidates]
            if record is not None and record.name in candidates:
                name = record.name if record.name not in taken[account.pk] else None
            else:
                name = None
            name = name or free_name(candidates, taken[account.pk], 120)
            taken[account.pk].add(name)
            names[contact.crm_id] = name
        roles = self._suggested_roles()
        self.status: dict[str, str] = {}
        # Changes to known stakeholders first (their names may free names for new ones).
        for contact, account, record, adopted in matched.values():
            if record is None:
                continue
            values = {**contact.values, "name": names[contact.crm_id]}
            if adopted:
                values["crm_id"] = contact.crm_id
            # The CRM's owner holds a relationship keyplan gave to nobody yet.
            owner = self._owner(contact.owner_id)
            if owner is not None and record.relationship_owner_id is None:
                values["relationship_owner"] = owner
            old_name = record.name
            record, words = self._change(record, contact.place, values)
            self.people[contact.crm_id] = record
            self._changed(account, PEOPLE, old_name, words)
            self.status[contact.crm_id] = "updated" if words else "unchanged"
        # New stakeholders, each with their manager when the CRM names one here.
        pending = [m for m in matched.values() if m[2] is None]
        row_of = {m[0].crm_id: i for i, m in enumerate(pending)}
        rows = []
        for contact, account, _, _ in pending:
            values = {**contact.values, "name": names[contact.crm_id], "crm_id": contact.crm_id}
            manager = contact.reports_to_id
            if manager in row_of and pending[row_of[manager]][1] is account:
                values["reports_to"] = services.FromRow(row_of[manager])
            elif manager in self.people and self.people[manager].account_id == account.pk:
                values["reports_to"] = self.people[manager]
            if contact.crm_id in roles:
                values["role"] = roles[contact.crm_id]
            owner = self._owner(contact.owner_id)
            if owner is not None:
                values["relationship_owner"] = owner
            rows.append({"account": account, **values})
        created = self.create_many(Stakeholder, rows, [m[0].place for m in pending])
        for (contact, account, _, _), record in zip(pending, created, strict=True):
            self.people[contact.crm_id] = record
            self._section(account, PEOPLE).created.append(record.name)
            self.status[contact.crm_id] = "created"
        self._reporting_lines(contacts, stored)
        for status in self.status.values():
            setattr(tally, status, getattr(tally, status) + 1)

    def _reporting_lines(self, contacts: list[Contact], stored: list[Stakeholder]) -> None:
        managers: dict[int, int | None] = {s.pk: s.reports_to_id for s in stored}
        managers |= {s.pk: s.reports_to_id for s in self.people.values()}
        elsewhere = 0
        for contact in contacts:
            if not contact.reports_to_id:
                continue
            record = self.people[contact.crm_id]
            manager = self.people.get(contact.reports_to_id)
            if manager is None or manager.account_id != record.account_id:
                elsewhere += 1
                continue
            if record.reports_to_id == manager.pk:
                continue
            step: int | None = manager.pk
            seen = set()
            while step is not None and step not in seen and step != record.pk:
                seen.add(step)
                step = managers.get(step)
            if step == record.pk:
                self.report.notes.append(
                    f"{record.name} reports to {manager.name} in {self.label}, but that "
                    "reporting line would go in a circle; it is not imported"
                )
                continue
            account = self.accounts[contact.account_id]
            record, words = self._change(record, contact.place, {"reports_to": manager})
            managers[record.pk] = manager.pk
            self.people[contact.crm_id] = record
            if self.status.get(contact.crm_id) != "created":
                self._changed(account, PEOPLE, record.name, words)
                self.status[contact.crm_id] = "updated"
        if elsewhere:
            self.report.notes.append(
                f"{elsewhere} contacts report to someone at another account or not imported; "
                "those reporting lines are left out"
            )

    # ---- interactions

    def _activities(self, activities: list[Activity]) -> None:
        pks = [a.pk for a in self.accounts.values()]
        stored = self._index(
            Interaction.objects.filter(account_id__in=pks), key=lambda i: (i.account_id,)
        )
        participants = defaultdict(set)
        for link in InteractionStakeholder.objects.filter(interaction__account_id__in=pks):
            participants[link.interaction_id].add(link.stakeholder_id)
        new_rows, new_places, new_people = [], [], []
        for activity in activities:
            tally = self.report.tally(activity.place.object)
            account = self.accounts[activity.account_id]
            record = stored.get((account.pk, activity.crm_id))
            people = [self.people[c] for c in activity.contact_ids if c in self.people]
            title = f"{activity.values['date']} {activity.values['subject']}"
            if record is None:
                new_rows.append({
                    "account": account, "crm_id": activity.crm_id,
                    "logged_by": self._owner(activity.owner_id), **activity.values,
                })  # fmt: skip
                new_places.append(activity.place)
                new_people.append(people)
                self._section(account, TOUCHES).created.append(title)
                tally.created += 1
                continue
            record, words = self._change(record, activity.place, dict(activity.values))
            self._changed(account, TOUCHES, title, words)
            current = participants[record.pk]
            missing = [p for p in people if p.pk not in current]
            if missing:
                targets = list(Stakeholder.objects.filter(pk__in=current)) + missing
                record = self.set_links(record, "stakeholders", targets, activity.place)
                words.append(f"with {', '.join(p.name for p in missing)}")
                self._changed(account, TOUCHES, title, words[-1:])
            if words:
                tally.updated += 1
            else:
                tally.unchanged += 1
        created = self.create_many(Interaction, new_rows, new_places)
        links, link_places = [], []
        for record, people, place in zip(created, new_people, new_places, strict=True):
            links += [{"interaction": record, "stakeholder": person} for person in people]
            link_places += [place] * len(people)
        self.create_many(InteractionStakeholder, links, link_places)
