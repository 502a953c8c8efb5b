"""Proof that a cell did the work: its results hash to the same digest as the reference."""

import hashlib
import json
from collections.abc import Sequence


class VerificationFailed(Exception):
    """The cell's results are not the reference results; the cell gets no timing."""


def digest(results: Sequence) -> str:
    """A stable hash of results in task order (JSON, so ints and strs hash the same everywhere)."""
    return hashlib.sha256(json.dumps(list(results), separators=(",", ":")).encode()).hexdigest()


def check(results: Sequence, expected: str) -> None:
    got = digest(results)
    if got != expected:
        raise VerificationFailed(f"digest mismatch: got {got[:12]}, reference {expected[:12]}")


def server_counts(
    seen: int, peak: int, sent: int, concurrency: int, requests: int, concurrent: bool
) -> tuple[bool, str]:
    """Judge a cell by the server's own counts: (ok, reason if not ok or a note if ok).

    Failed: the server did not see exactly the requests the cell sent, more than C were in flight,
    or a model that claims concurrency ran one request at a time where more were allowed
    (min(C, N) > 1). Flagged, still ok: fewer than 0.8 × min(C, N) in flight at the peak."""
    if seen != sent:
        return False, f"server saw {seen} requests, the cell sent {sent}"
    if peak > concurrency:
        return False, f"{peak} requests in flight at once, above C={concurrency}"
    allowed = min(concurrency, requests) if concurrent else 1
    if allowed > 1 and peak <= 1:
        return False, "ran one request at a time (server saw at most 1 in flight), though concurrent"
    return True, inflight_note(peak, concurrency, requests, concurrent)


def inflight_note(peak: int, concurrency: int, requests: int, concurrent: bool) -> str:
    """A note when the peak in flight stayed under 0.8 × what was allowed."""
    allowed = min(concurrency, requests) if concurrent else 1
    return f"client-bound: only {peak} of {allowed} in flight" if peak < 0.8 * allowed else ""
