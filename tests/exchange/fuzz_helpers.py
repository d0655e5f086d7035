"""What the import fuzz tests share: their Hypothesis settings, and the ways they
damage a file (bytes spliced in, cells of a CSV overwritten, a zip's header)."""

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st


def fuzz(examples: int):
    """Hypothesis settings for an import fuzz test: `examples` runs, no deadline (an
    import takes its time), function-scoped fixtures reused across examples."""
    return settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


def cuts(max_offset: int, max_junk: int):
    """One to four (offset, junk bytes) pairs to splice into a file."""
    return st.lists(
        st.tuples(st.integers(min_value=0, max_value=max_offset), st.binary(max_size=max_junk)),
        min_size=1,
        max_size=4,
    )


def spliced(data: bytes, pairs, *, truncate: bool = False) -> bytes:
    """`data` with each pair's junk written over it at the offset (wrapped to the size),
    and cut in half when `truncate`."""
    mangled = bytearray(data)
    for offset, junk in pairs:
        at = offset % len(mangled)
        mangled[at : at + len(junk)] = junk
    if truncate:
        mangled = mangled[: len(mangled) // 2]
    return bytes(mangled)


def overwrite_cells(tables: dict[str, list[list[str]]], cells) -> None:
    """Set each (table, row, column, value) of `cells` in the parsed CSV `tables`; a row
    wraps to the table's length, a column past the row's end is appended."""
    for name, row, column, value in cells:
        rows = tables[name]
        target = rows[row % len(rows)]
        if column < len(target):
            target[column] = value
        else:
            target.append(value)


def needs_newer_zip(data: bytes) -> bytes:
    """`data` (a zip) with every central-directory entry asking for zip version 6.4 to
    extract, as a damaged header can: Python's zipfile cannot open it."""
    mangled = bytearray(data)
    at = mangled.find(b"PK\x01\x02")
    while at != -1:
        mangled[at + 6 : at + 8] = (64).to_bytes(2, "little")
        at = mangled.find(b"PK\x01\x02", at + 4)
    return bytes(mangled)
