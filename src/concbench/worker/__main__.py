"""`python -m concbench.worker --cell JSON -o OUT.json [pyperf options]`: one cell's pyperf worker."""

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

main(GIL_AT_START)
