"""gevent: gunicorn's gevent workers.

    gunicorn --worker-class gevent --workers W app:wsgi

W processes, each a greenlet per connection on a monkey-patched stdlib (the same WSGI app and urllib3
client as sync and threads, made cooperative by gevent's patches).
"""

from collections.abc import Iterator
from contextlib import contextmanager

from ._load import Call, served
from ._servers import gunicorn
from .workload import Params


@contextmanager
def setup(p: Params) -> Iterator[Call]:
    with served(p, gunicorn("gevent", p.workers)) as call:
        yield call
