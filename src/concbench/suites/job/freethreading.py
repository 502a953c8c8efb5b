"""free-threading: one long-lived thread per worker (`crew`), each with a static share of the
items (every `workers`-th one); refuses to run with the GIL on, fails if it came back."""

from collections.abc import Iterator
from contextlib import contextmanager

from ..freethreaded import crew, require_gil_off
from ..partition import interleave, merge
from .workload import Params, Run, ready, unit


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    require_gil_off()
    ready(p)
    one = unit(p)
    shares = interleave(p.items, p.workers)
    with crew(len(shares)) as each:
        yield lambda: merge(each(lambda k: [one(i) for i in shares[k]]), p.items)
