"""sync: gunicorn's sync workers, the Flask and Django default.

    gunicorn --worker-class sync --workers W app:wsgi

W processes, each answering one request at a time: while one waits on the downstream, its process
waits too. The baseline every other server is compared with, at the same W.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from ._load import Call, served
from ._servers import gunicorn
from .workload import Params


@contextmanager
def setup(p: Params) -> Iterator[Call]:
    with served(p, gunicorn("sync", p.workers)) as call:
        yield call
