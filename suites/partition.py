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


def with_limits(n: int, workers: int, limit: int) -> list[tuple[list[int], int]]:
    """(item indices, in-flight limit) per worker: `interleave`, with `limit` split as evenly as it
    goes, so that the workers together never have more than `limit` in flight."""
    w = min(workers, limit)
    return [(indices, limit // w + (k < limit % w)) for k, indices in enumerate(interleave(n, w))]
