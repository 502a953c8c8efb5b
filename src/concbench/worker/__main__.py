"""`python -m concbench.worker --cell JSON -o OUT.json [pyperf options]`: one cell's pyperf worker.

`python -m concbench.worker --parent`: a parent that forks workers (`parent.py`), never for gevent."""

import sys

# Before anything else is imported: importing gevent can switch the GIL on, and gevent must patch first.
GIL_AT_START = getattr(sys, "_is_gil_enabled", lambda: True)()

if "--worker" in sys.argv and "--monkey-patch" in sys.argv:
    from gevent import monkey  # first thing in a gevent worker, as gevent requires

    monkey.patch_all()

from concbench.worker.lifeline import group_dies_with_parent  # noqa: E402 (ctypes imports threading)

# A cell's worker and its pools die with their runner, even a runner killed with SIGKILL: a hung
# cell must not outlive the runner that would have timed it out.
group_dies_with_parent()

from concbench.worker.cell import main  # noqa: E402

if sys.argv[1:] == ["--parent"]:
    from concbench.worker.parent import serve

    serve()  # returns in a forked child, as a worker
    GIL_AT_START = getattr(sys, "_is_gil_enabled", lambda: True)()  # the state the child starts in
    group_dies_with_parent()  # a fork's child does not inherit it
main(GIL_AT_START)
