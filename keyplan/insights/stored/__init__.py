"""Per-account figures kept current on write (DESIGN.md §4, scale path).

The dashboard's sums over an account's records are stored, one row per account (with
child rows per product and per alert rule), and recomputed from the insights
functions (the one definition of each figure) in the same transaction as every
change that moves them: `keep.changed` receives core.signals.plan_changed, and bulk
writers wrap their work in `keep.batched()` so each account is recomputed once.

A row is current when it was computed from the account's `plan_version`, for the
organisation's settings version, on `as_of` = today. The dashboard reads stored
rows only when every account it speaks about is current, else it computes from
scratch (correct, slower); a read never writes. `keyplan figures --refresh` (daily,
from cron) recomputes rows that are not current, `--check` reports drift from the
from-scratch values, `--rebuild` recomputes them all.
"""
