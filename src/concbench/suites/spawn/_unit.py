"""What a spawn unit runs, in a module of its own: a process or an interpreter that imports its target
imports this module and nothing else of concbench's (no pyperf, psutil, dataclasses, the workload).

`unit` is stateless (no globals, no closure), so an interpreter's `call` shares it without pickling;
`reply` is a process's target, `block` a unit kept alive for the memory measurement, `modules` a
probe for the tests.
"""

import sys


def unit(i: int) -> int:
    """What every unit does: report its number."""
    return i


def reply(conn, fn, i: int) -> None:
    """A process unit: send `fn(i)` back to the parent on its end of a `Pipe`."""
    conn.send(fn(i))
    conn.close()


def block(ready, release) -> None:
    """A unit kept alive for the memory measurement: says it runs, then waits to be released."""
    ready.release()
    release.wait()


def modules(i: int = 0) -> list[str]:
    """For the tests: the modules loaded where the unit runs."""
    return sorted(sys.modules)
