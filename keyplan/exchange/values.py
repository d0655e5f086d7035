"""Kinds of workbook cells: how a plan value is written into a cell and read back.

`to_cell` takes the value as the plan document holds it; `parse` takes whatever a
cell holds after Excel or LibreOffice had it (a number may come back as a float,
a date as a datetime, a boolean as 1) and returns the model's value or raises
ValueError with a message for the person who typed it.
"""

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils.datetime import from_excel

Blank = (None, "")


def _is_blank(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _text(raw) -> str:
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, datetime):
        return raw.date().isoformat() if raw.time() == datetime.min.time() else raw.isoformat()
    if isinstance(raw, date):
        return raw.isoformat()
    return str(raw)


class Kind:
    labels: tuple[str, ...] = ()  # the drop-down's values, when it has one
    number_format: str | None = None
    wrap = False
    # What a blank cell means; NotImplemented: the value is required.
    blank: object = None

    def to_cell(self, value):
        return value

    def parse(self, raw):
        if _is_blank(raw):
            if self.blank is NotImplemented:
                raise ValueError("is required")
            return self.blank
        return self.read(raw)

    def read(self, raw):  # pragma: no cover - every kind overrides it
        raise NotImplementedError


class Text(Kind):
    def __init__(self, *, required=False, wrap=False):
        self.blank = NotImplemented if required else ""
        self.wrap = wrap

    def to_cell(self, value):
        # Control characters cannot be stored in a workbook.
        return ILLEGAL_CHARACTERS_RE.sub("", value) if value else None

    def read(self, raw):
        return _text(raw)


class Name(Text):
    """A name that identifies or points at a record: surrounding spaces do not count."""

    def __init__(self, *, required=False):
        super().__init__(required=required)
        if not required:
            self.blank = None

    def read(self, raw):
        return _text(raw).strip()


class Names(Kind):
    """Several names in one cell, one a line (or separated by semicolons)."""

    wrap = True
    blank = ()

    def to_cell(self, value):
        return "\n".join(value) if value else None

    def read(self, raw):
        text = _text(raw)
        parts = text.splitlines() if "\n" in text else text.split(";")
        return tuple(dict.fromkeys(p.strip() for p in parts if p.strip()))


class Integer(Kind):
    number_format = "0"

    def __init__(self, *, low=None, high=None, required=False):
        self.low, self.high = low, high
        self.blank = NotImplemented if required else None

    def read(self, raw):
        if isinstance(raw, bool):
            raise ValueError("is not a whole number")
        try:
            number = Decimal(_text(raw).strip().replace(",", ""))
        except InvalidOperation as exc:
            raise ValueError(f"“{_text(raw)}” is not a whole number") from exc
        if not number.is_finite() or number != number.to_integral_value():
            raise ValueError(f"“{_text(raw)}” is not a whole number")
        value = int(number)
        if self.low is not None and value < self.low:
            raise ValueError(f"{value} is below the lowest allowed, {self.low}")
        if self.high is not None and value > self.high:
            raise ValueError(f"{value} is above the highest allowed, {self.high}")
        return value


class Number(Kind):
    """A decimal amount; money is never negative."""

    def __init__(self, *, negative=False, default=None, high=None, number_format=None):
        self.negative, self.blank, self.high = negative, default, high
        self.number_format = number_format

    def to_cell(self, value):
        return value

    def read(self, raw):
        if isinstance(raw, bool):
            raise ValueError("is not a number")
        text = re.sub(r"[\s,$€£]", "", _text(raw))
        try:
            number = Decimal(text)
        except InvalidOperation as exc:
            raise ValueError(f"“{_text(raw)}” is not a number") from exc
        if not number.is_finite():
            raise ValueError(f"“{_text(raw)}” is not a number")
        if number < 0 and not self.negative:
            raise ValueError(f"{_text(raw)} is negative; amounts cannot be")
        if self.high is not None and number > self.high:
            raise ValueError(f"{_text(raw)} is above the highest allowed, {self.high}")
        return number


def Money(*, default=None):  # a kind, like the others
    return Number(default=default, number_format="#,##0.00")


class Day(Kind):
    number_format = "yyyy-mm-dd"

    def __init__(self, *, required=False):
        self.blank = NotImplemented if required else None

    def to_cell(self, value):
        return date.fromisoformat(value) if isinstance(value, str) else value

    def read(self, raw):
        if isinstance(raw, datetime):
            return raw.date()
        if isinstance(raw, date):
            return raw
        if isinstance(raw, int | float) and not isinstance(raw, bool) and 1 <= raw < 2958466:
            # A date whose cell lost its date format reads as Excel's day number.
            return from_excel(raw).date()
        text = _text(raw).strip()
        try:
            return date.fromisoformat(text[:10])
        except ValueError as exc:
            raise ValueError(f"“{text}” is not a date (write it as YYYY-MM-DD)") from exc


class YesNo(Kind):
    labels = ("Yes", "No")
    blank = False
    TRUE = {"yes", "y", "true", "1", "x"}
    FALSE = {"no", "n", "false", "0"}

    def to_cell(self, value):
        return "Yes" if value else "No"

    def read(self, raw):
        text = _text(raw).strip().lower()
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            text = "1" if raw == 1 else "0" if raw == 0 else text
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise ValueError(f"“{_text(raw)}” is not Yes or No")


class Choice(Kind):
    """An enumeration, shown by its label. `doc` says how the plan document holds it:
    "value" (the stored code), "name" (low/medium/high) or "int" (1-4)."""

    def __init__(self, choices, *, doc="value", required=False, default=None):
        self.choices, self.doc = choices, doc
        self.labels = tuple(str(c.label) for c in choices)
        if default is not None:
            self.blank = default
        elif required:
            self.blank = NotImplemented
        else:
            self.blank = None if doc == "name" else ""
        self._lookup: dict[str, object] = {}
        for member in choices:
            for word in (member.label, member.value, member.name, member.name.replace("_", " ")):
                self._lookup.setdefault(str(word).strip().lower(), member.value)

    def _document_form(self, member):
        return member.name.lower() if self.doc == "name" else member.value

    def to_cell(self, value):
        for member in self.choices:
            if self._document_form(member) == value:
                return str(member.label)
        return None

    def label_of(self, value) -> str:
        return next((str(m.label) for m in self.choices if m.value == value), str(value))

    def read(self, raw):
        text = _text(raw).strip().lower()
        if text in self._lookup:
            return self._lookup[text]
        allowed = ", ".join(self.labels)
        raise ValueError(f"“{_text(raw)}” is not one of: {allowed}")
