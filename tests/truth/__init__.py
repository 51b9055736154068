"""Independent truth for every figure a user reads, computed from a sandbox's raw API payloads.

Never imports project code or SQL: each vendor module (`tests/truth/<vendor>.py`) reads the payloads its
stand-in serves and turns them into the neutral records of `tests/truth/model.py` with its own reading of the
contract (VENDORS.md, DESIGN.md definitions); `tests/truth/metrics.py` computes per-ticket, per-day and
per-feedback figures from those records. Tests compare them with the marts exactly.
"""
