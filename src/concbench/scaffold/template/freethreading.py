"""free-threading: code written for a GIL-free interpreter (3.14t).

One long-lived thread per worker (`crew`, started in setup like a pool), each with a static share of
the tasks (every `workers`-th one): no shared queue, no lock. It refuses to run with the GIL on and
fails the cell if the GIL came back during the work (an extension module can switch it back on).
"""

from collections.abc import Iterator
from contextlib import contextmanager

from concbench.kit.crew import crew, require_gil_off
from concbench.kit.partition import interleave, merge

from .workload import Params, Run, work


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    require_gil_off()
    inputs = p.inputs()
    shares = interleave(len(inputs), p.workers)

    def share(k: int) -> list[int]:
        return [work(inputs[i]) for i in shares[k]]

    with crew(len(shares)) as each:
        yield lambda: merge(each(share), len(inputs))
