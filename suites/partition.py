"""Static partition for the models that give each worker its own share: every w-th item."""

from collections.abc import Sequence


def interleave(n: int, workers: int) -> list[list[int]]:
    """Item indices per worker: worker k gets k, k+w, k+2w, ..."""
    return [list(range(k, n, workers)) for k in range(min(workers, n))]


def merge(parts: Sequence[Sequence], n: int) -> list:
    """Put the per-worker results of `interleave` back in item order."""
    out: list = [None] * n
    for k, part in enumerate(parts):
        out[k :: len(parts)] = part
    return out
