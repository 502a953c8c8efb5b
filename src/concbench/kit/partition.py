"""Static partition for the models that give each worker its own share of the items.

CPU and disk work: every w-th item (`interleave`, `merge`). Work under an in-flight limit (HTTP):
each worker gets a share of the limit and a contiguous block of items in proportion to it
(`with_limits`, `concat`), so that no worker needs more waves than ceil(N / C).
"""

import math
from collections.abc import Sequence
from itertools import chain


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
    """(item indices, in-flight limit) per worker: `limit` split as evenly as it goes (together never
    more than `limit` in flight), and the items in proportion to each worker's limit, in contiguous
    blocks: worker k takes at most waves × limit_k items, waves = ceil(n / limit), the ideal."""
    w = max(1, min(workers, limit, n))
    limits = [limit // w + (k < limit % w) for k in range(w)]
    waves = math.ceil(n / limit)
    counts = [min(waves * lk, n * lk // limit) for lk in limits]
    for k in range(w):  # the remainder, to whoever still has room in the ideal number of waves
        extra = min(n - sum(counts), waves * limits[k] - counts[k])
        counts[k] += extra
    starts = [sum(counts[:k]) for k in range(w)]
    return [(list(range(s, s + c)), lk) for s, c, lk in zip(starts, counts, limits, strict=True)]


def concat(parts: Sequence[Sequence]) -> list:
    """Put the per-worker results of `with_limits` back in item order."""
    return list(chain.from_iterable(parts))
