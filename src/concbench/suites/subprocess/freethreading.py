"""free-threading: one long-lived thread per worker (`crew`, started in setup), each with its own
contiguous share of the children and of C (`with_limits`, so at most C alive in all), which it
starts and collects itself with `Popen`, up to its limit at once (`window`). Refuses to run with
the GIL on.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from ..freethreaded import crew, require_gil_off
from ..partition import concat
from .workload import Params, Run, accounted, window


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    require_gil_off()
    shares = p.shares()
    with crew(len(shares)) as each:
        yield accounted(p, lambda: concat(each(lambda k: window(p, *shares[k]))))
