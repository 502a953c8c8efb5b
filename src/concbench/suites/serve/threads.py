"""threads: gunicorn's gthread workers.

    gunicorn --worker-class gthread --workers W --threads K/W app:wsgi

W processes of K / W threads each, so that all K connections can be served at once; under the GIL a
process's threads take turns for the CPU work.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from ._load import Call, served
from ._servers import gunicorn
from .workload import Params


@contextmanager
def setup(p: Params) -> Iterator[Call]:
    with served(p, gunicorn("gthread", p.workers, p.threads)) as call:
        yield call
