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
