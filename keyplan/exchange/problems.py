"""What an import refuses or warns about, and where: the file, sheet (or CRM
object), row, column and field."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    file: str
    message: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None  # the column's letter
    header: str | None = None
    field: str | None = None
    object: str | None = None  # a CRM export's object (Account, Contact, ...)
    value: str | None = None  # a warning's value, left out of the import

    def __str__(self) -> str:
        where = [self.file]
        if self.sheet:
            where.append(f"sheet “{self.sheet}”")
        if self.object:
            where.append(f"object {self.object}")
        if self.row:
            where.append(f"row {self.row}")
        if self.column or self.header:
            column = " ".join(
                filter(None, (self.column, f"({self.header})" if self.header else ""))
            )
            where.append(f"column {column}")
        if self.field:
            where.append(f"field {self.field}")
        return f"{', '.join(where)}: {self.message}"


class ImportRefused(Exception):
    """Nothing was imported; `problems` says why and where."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(map(str, problems)))
