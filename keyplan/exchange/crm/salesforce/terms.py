"""Salesforce's ids and vocabulary, as the Data Export import reads them: ids in
their 15- and 18-character forms, standard opportunity stages and forecast
categories, contact roles, ownership and activity types, and the key prefixes that
tell an id's object."""

import functools

from keyplan.accounts.models import Ownership
from keyplan.exchange.crm.reader import stage_by_probability
from keyplan.growth.models import Stage
from keyplan.relationships.models import InteractionKind

_ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
_ALNUM = set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")

# Salesforce's standard stages, then its forecast categories for custom stages.
STAGES = {
    "prospecting": Stage.IDEA,
    "qualification": Stage.CONVERSATION,
    "needs analysis": Stage.CONVERSATION,
    "discovery": Stage.CONVERSATION,
    "value proposition": Stage.OPPORTUNITY,
    "id. decision makers": Stage.OPPORTUNITY,
    "perception analysis": Stage.OPPORTUNITY,
    "proposal/price quote": Stage.CLOSING,
    "proposal/quote": Stage.CLOSING,
    "negotiation/review": Stage.CLOSING,
    "negotiation": Stage.CLOSING,
    "closed won": Stage.WON,
    "closed lost": Stage.LOST,
}
FORECASTS = {
    "pipeline": Stage.CONVERSATION,
    "best case": Stage.OPPORTUNITY,
    "bestcase": Stage.OPPORTUNITY,
    "commit": Stage.CLOSING,
    "closed": Stage.WON,
    "omitted": Stage.LOST,
}
# OpportunityContactRole.Role to a stakeholder's buying role (for new stakeholders).
ROLES = {
    "economic buyer": "economic_buyer",
    "decision maker": "economic_buyer",
    "technical buyer": "technical_buyer",
    "evaluator": "evaluator",
    "executive sponsor": "executive_sponsor",
    "influencer": "influencer",
    "business user": "user",
    "champion": "champion",
}
OWNERSHIP = {"public": Ownership.PUBLIC, "private": Ownership.PRIVATE}
ACTIVITY_KINDS = {
    "call": InteractionKind.CALL,
    "email": InteractionKind.EMAIL,
    "listemail": InteractionKind.EMAIL,
    "meeting": InteractionKind.MEETING,
    "event": InteractionKind.MEETING,
}

ACCOUNT_PREFIX, CONTACT_PREFIX, OPPORTUNITY_PREFIX, LEAD_PREFIX = "001", "003", "006", "00Q"


def _suffix(base: str) -> str:
    return "".join(
        _ID_CHARS[sum(1 << i for i, c in enumerate(base[at : at + 5]) if "A" <= c <= "Z")]
        for at in (0, 5, 10)
    )


@functools.lru_cache(maxsize=65536)
def normal_id(text: str) -> str:
    """The 18-character form of a Salesforce id given in 15 or 18 characters. An
    18-character id whose letters lost their case (a spreadsheet upper-cased it) is
    restored from its last three characters."""
    text = text.strip()
    if len(text) == 18 and text.isalnum() and text.isascii() and _suffix(text[:15]) == text[15:]:
        return text
    if len(text) not in (15, 18) or not set(text) <= _ALNUM:
        raise ValueError(f"“{text}” is not a Salesforce id (15 or 18 letters and digits)")
    if len(text) == 18:
        chars = list(text[:15])
        for chunk, check in enumerate(text[15:].upper()):
            if check not in _ID_CHARS:
                raise ValueError(f"“{text}” is not a Salesforce id (its last 3 do not check)")
            bits = _ID_CHARS.index(check)
            for i in range(5):
                c = chars[chunk * 5 + i]
                upper = bool(bits & (1 << i))
                if upper and not c.isalpha():
                    raise ValueError(f"“{text}” is not a Salesforce id (its last 3 do not check)")
                chars[chunk * 5 + i] = c.upper() if upper else c.lower()
        base = "".join(chars)
    else:
        base = text
    return base + _suffix(base)


def stage_of(stage_name: str, forecast: str, probability: int | None) -> str:
    stage = STAGES.get(stage_name.strip().lower()) or FORECASTS.get(forecast.strip().lower())
    return stage_by_probability(probability) if stage is None else stage
