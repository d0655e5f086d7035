"""The deals of a CRM import: open ones as growth plays, won ones as contracts
with their product lines and the revenue by year, contact roles as the plays'
stakeholders."""

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.template.defaultfilters import pluralize

from keyplan.accounts.models import Account, Contract, ContractLine, ContractStatus, RevenueYear
from keyplan.core import clock
from keyplan.exchange.crm.files import Place
from keyplan.exchange.crm.records import LOST, OPEN, WON, Deal
from keyplan.exchange.crm.steps import (
    CONTRACTS,
    LINES,
    PLAY_PEOPLE,
    PLAYS,
    REVENUE,
    CrmSteps,
    free_name,
)
from keyplan.growth.models import Play, PlayStakeholder, Stage
from keyplan.relationships.models import Stakeholder


class DealSteps(CrmSteps):
    def _deals(self, deals: list[Deal]) -> None:
        pks = [a.pk for a in self.accounts.values()]
        stored_plays = list(Play.objects.filter(account_id__in=pks))
        plays = self._index(stored_plays, key=lambda p: (p.account_id,))
        contracts = self._index(
            Contract.objects.filter(account_id__in=pks), key=lambda c: (c.account_id,)
        )
        play_names = defaultdict(set)
        for play in stored_plays:
            play_names[play.account_id].add(play.name)
        tally = self._tally("deal")
        listed = set()
        # Won deals first: the contracts they make are the ARR that the open deals' sanity
        # checks (a deal far beyond what the account pays) compare with.
        for deal in sorted(deals, key=lambda d: d.status != WON):
            account = self.accounts[deal.account_id]
            listed.add((account.pk, deal.crm_id))
            play = plays.get((account.pk, deal.crm_id))
            statuses = []
            if deal.status == OPEN or play is not None:
                statuses.append(self._play(deal, account, play, play_names[account.pk]))
            if deal.status == WON:
                contract = contracts.get((account.pk, deal.crm_id))
                statuses.append(self._contract(deal, account, contract))
            if not statuses:
                tally.skipped["closed lost, never a play"] += 1
                continue
            status = (
                "created"
                if "created" in statuses
                else "updated"
                if "updated" in statuses
                else "unchanged"
            )
            setattr(tally, status, getattr(tally, status) + 1)
        self._no_longer(stored_plays, {plays[k].pk for k in listed if k in plays}, PLAYS)

    def _play(self, deal: Deal, account: Account, play: Play | None, names: set) -> str:
        values = dict(deal.values)
        if deal.status == WON:
            values.update(stage=Stage.WON, probability=values.get("probability", 100))
        elif deal.status == LOST:
            values.update(stage=Stage.LOST, probability=values.get("probability", 0))
        owner = self._owner(deal.owner_id)
        if owner is not None:
            values["owner"] = owner
        candidates = [deal.name, f"{deal.name} ({deal.crm_id})"]
        if play is not None:
            names.discard(play.name)
        name = (
            play.name
            if play is not None and play.name in candidates and play.name not in names
            else free_name(candidates, names, 200)
        )
        names.add(name)
        values["name"] = name
        if play is None:
            values.setdefault("target_arr", Decimal(0))
            values = {"account": account, "crm_id": deal.crm_id, **values}
            play = self.create(Play, deal.place, values)
            self._section(account, PLAYS).created.append(play.name)
            self.plays[deal.crm_id] = play
            return "created"
        old_name = play.name
        play, words = self._change(play, deal.place, values)
        self.plays[deal.crm_id] = play
        self._changed(account, PLAYS, old_name, words)
        return "updated" if words else "unchanged"

    def _contract(self, deal: Deal, account: Account, contract: Contract | None) -> str:
        values = {"name": deal.name, "arr": deal.amount or Decimal(0)}
        if deal.close_date is not None:
            values["start_date"] = deal.close_date
        lines = self._lines_of(deal)
        if not deal.amount and lines:
            values["arr"] = sum((arr for _, arr, _ in lines.values()), Decimal(0))
        status = "unchanged"
        if contract is None:
            start = deal.close_date
            assert start is not None, "a won deal has its close date (the reader says so)"
            # A year's term unless keyplan is told otherwise (the end date is keyplan's).
            end = date(start.year + 1, start.month, 1) + timedelta(days=start.day - 2)
            values |= {
                "crm_id": deal.crm_id,
                "end_date": end,
                "status": ContractStatus.ACTIVE if end >= clock.today() else ContractStatus.EXPIRED,
            }
            contract = self.create(Contract, deal.place, {"account": account, **values})
            self._section(account, CONTRACTS).created.append(contract.name)
            status = "created"
        else:
            old_name = contract.name
            contract, words = self._change(contract, deal.place, values)
            self._changed(account, CONTRACTS, old_name, words)
            status = "updated" if words else status
        if lines:
            status = self._contract_lines(account, contract, lines, status)
        return status

    def _lines_of(self, deal: Deal) -> dict[str, tuple[int, Decimal, Place]]:
        if not hasattr(self, "_lines_by_deal"):
            self._lines_by_deal = defaultdict(list)
            for line in self.export.lines:
                self._lines_by_deal[line.deal_id].append(line)
        summed: dict[str, tuple[int, Decimal, Place]] = {}
        for line in self._lines_by_deal.get(deal.crm_id, ()):
            quantity, arr, place = summed.get(line.product_id, (0, Decimal(0), line.place))
            summed[line.product_id] = (quantity + line.quantity, arr + line.arr, place)
        return summed

    def _contract_lines(self, account, contract, lines: dict, status: str) -> str:
        tally = self._tally("line")
        stored = {line.product_id: line for line in ContractLine.objects.filter(contract=contract)}
        for product_id, (quantity, arr, place) in lines.items():
            product = self.products[product_id]
            line = stored.get(product.pk)
            name = f"{contract.name} / {product.name}"
            if line is None:
                values = {"contract": contract, "product": product}
                self.create(ContractLine, place, {**values, "quantity": quantity, "arr": arr})
                self._section(account, LINES).created.append(name)
                tally.created += 1
                status = "updated" if status == "unchanged" else status
            else:
                line, words = self._change(line, place, {"quantity": quantity, "arr": arr})
                self._changed(account, LINES, name, words)
                tally.updated += bool(words)
                tally.unchanged += not words
        return status

    def _revenue(self, deals: list[Deal]) -> None:
        won: dict[str, dict[int, list[Deal]]] = defaultdict(lambda: defaultdict(list))
        for deal in deals:
            if deal.status == WON and deal.close_date is not None:
                won[deal.account_id][deal.close_date.year].append(deal)
        for crm_id, years in won.items():
            account = self.accounts[crm_id]
            stored = {r.year: r for r in RevenueYear.objects.filter(account=account)}
            for year, deals in sorted(years.items()):
                revenue = sum((d.amount or Decimal(0) for d in deals), Decimal(0))
                noun = self.export.names["deal"].lower()  # "deal", or "opportunity"
                if noun.endswith("y"):
                    noun = noun.removesuffix("y") + pluralize(len(deals), "y,ies")
                else:
                    noun += pluralize(len(deals))
                values = {"revenue": revenue, "note": f"{self.label}: {len(deals)} won {noun}"}
                record = stored.get(year)
                if record is None:
                    values = {"account": account, "year": year, **values}
                    self.create(RevenueYear, deals[0].place, values)
                    self._section(account, REVENUE).created.append(str(year))
                else:
                    _, words = self._change(record, deals[0].place, values)
                    self._changed(account, REVENUE, str(year), words)

    def _play_people(self, deals: list[Deal]) -> None:
        wanted: dict[str, dict[str, tuple[str, Place]]] = defaultdict(dict)
        tally = self._tally("role") if self.export.roles else None
        for role in self.export.roles:
            if role.deal_id in self.plays and role.contact_id in self.people:
                wanted[role.deal_id][role.contact_id] = (role.role, role.place)
            elif tally is not None:
                tally.skipped["of opportunities or contacts not imported"] += 1
        for deal in deals:
            for contact_id in deal.contact_ids:
                if deal.crm_id in self.plays and contact_id in self.people:
                    wanted[deal.crm_id].setdefault(contact_id, ("", deal.place))
        if not wanted:
            return
        plays = [self.plays[d] for d in wanted]
        links: dict[int, dict[int, str]] = defaultdict(dict)  # play -> stakeholder -> hint
        accounts = {d.crm_id: self.accounts[d.account_id] for d in deals}
        for link in PlayStakeholder.objects.filter(play__in=plays):
            links[link.play_id][link.stakeholder_id] = link.role_hint
        for deal_id, people in wanted.items():
            play = self.plays[deal_id]
            account = accounts[deal_id]
            current = links[play.pk]
            extra, added, hinted = {}, [], []
            for contact_id, (hint, _place) in people.items():
                person = self.people[contact_id]
                label = f"{play.name} / {person.name}"
                if person.pk not in current:
                    added.append(label)
                elif hint and current[person.pk] != hint:
                    before = current[person.pk]
                    words = f"role hint “{before}” → “{hint}”" if before else f"role hint “{hint}”"
                    hinted.append((label, words))
                if hint:
                    extra[person.pk] = {"role_hint": hint}
            if tally is not None:
                tally.created += len(added)
                tally.updated += len(hinted)
                tally.unchanged += len(people) - len(added) - len(hinted)
            if not (added or hinted):
                continue
            targets = list(Stakeholder.objects.filter(pk__in=set(current))) + [
                self.people[c] for c in people if self.people[c].pk not in current
            ]
            place = next(iter(people.values()))[1]
            self.plays[deal_id] = self.set_links(play, "stakeholders", targets, place, extra=extra)
            section = self._section(account, PLAY_PEOPLE)
            section.created += added
            for label, words in hinted:
                self._changed(account, PLAY_PEOPLE, label, [words])
