"""The health of a CRM import: an account's open support cases become its open
tickets and escalations in its health signals (plan section 7).

Signals are dated: when the CRM's counts differ from the account's latest signals,
today's are written (a new row, or today's updated), so the history shows how the
cases went; when they agree, nothing is written and importing again changes
nothing."""

from collections import defaultdict

from django.template.defaultfilters import pluralize

from keyplan.core import clock
from keyplan.exchange.crm.files import Place
from keyplan.exchange.crm.records import SupportCase
from keyplan.exchange.crm.steps import HEALTH, CrmSteps
from keyplan.risks.models import HealthSnapshot


class HealthSteps(CrmSteps):
    def _health(self, cases: list[SupportCase]) -> None:
        tally = self._tally("case")
        by_account: dict[str, list[SupportCase]] = defaultdict(list)
        for case in cases:
            by_account[case.account_id].append(case)
        latest: dict[int, HealthSnapshot] = {}
        pks = [a.pk for a in self.accounts.values()]
        for snapshot in HealthSnapshot.objects.filter(account_id__in=pks).order_by("-date"):
            latest.setdefault(snapshot.account_id, snapshot)
        today = clock.today()
        for crm_id, account in self.accounts.items():
            open_cases = by_account.get(crm_id, [])
            signals = {
                "open_tickets": len(open_cases),
                "escalations": sum(case.escalated for case in open_cases),
            }
            snapshot = latest.get(account.pk)
            if snapshot is None and not open_cases:
                continue  # no history to correct, nothing to say
            place = open_cases[0].place if open_cases else Place(self.export.name, "Case", None)
            if snapshot is not None and all(getattr(snapshot, k) == v for k, v in signals.items()):
                tally.unchanged += len(open_cases)
            elif snapshot is not None and snapshot.date == today:
                _, words = self._change(snapshot, place, signals)
                self._changed(account, HEALTH, str(today), words)
                tally.updated += len(open_cases)
            else:
                escalated = [c for c in open_cases if c.escalated]
                values = {"account": account, "date": today, **signals}
                if escalated:
                    values["negative_signals"] = "\n".join(
                        f"Escalated in {self.label}: case {c.number or c.crm_id} {c.subject}"
                        for c in escalated
                    )
                self.create(HealthSnapshot, place, values)
                tickets, escalations = signals["open_tickets"], signals["escalations"]
                self._section(account, HEALTH).created.append(
                    f"{today}: {tickets} open ticket{pluralize(tickets)}, "
                    f"{escalations} escalation{pluralize(escalations)}"
                )
                tally.created += len(open_cases)
