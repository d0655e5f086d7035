"""Record ids as they arrive in URLs and query strings."""

# Both databases store ids as 64-bit signed integers; a larger number would overflow
# SQLite's driver instead of simply matching nothing.
MAX_ID = 2**63 - 1


def parse_id(value: object) -> int | None:
    """`value` as a record id, or None when it cannot be one (not digits, 0, too large)."""
    text = str(value or "").strip()
    if not text.isascii() or not text.isdigit():
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None
