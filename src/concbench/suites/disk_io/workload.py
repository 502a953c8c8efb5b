"""Params, the per-file pipeline and its reference for the disk I/O workload.

Each of M files: write S bytes derived from its number (optionally `fsync`), read them back, delete
the file; the result is the SHA-256 of what was read back, so the digest covers the bytes that
really went through the file system. The directory is a fresh one the runner makes for the cell
and removes afterwards, whatever happens to the cell.

The same for every model, so that only the model differs:
- timed: per file, open, write, (flush + fsync), close, read back, hash, delete, plus however the
  model schedules that. The hash is computed where the data was read (`read_back`): in the worker
  thread, process or interpreter that read the file, never on an event loop or the calling thread
  (except in sync, which has only the one); at most `workers` files are in progress at once.
- not timed: building the files' bytes (`prepare`, in each model's setup, or in each pool worker's
  initializer), the reference digests, starting pools, loops and interpreters, and the check of
  every call's digests against the reference.
"""

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from concbench.servers.content import body
from concbench.workloads import Variant, Workload, every_model

QUICK = [  # small files, large files (full adds small files with fsync)
    {"files": 512, "size": 4096, "fsync": 0},
    {"files": 32, "size": 1 << 20, "fsync": 0},
]
FULL = [
    {"files": 1024, "size": 4096, "fsync": 0},
    {"files": 64, "size": 1 << 20, "fsync": 0},
    {"files": 256, "size": 4096, "fsync": 1},
]

Run = Callable[[], list[str]]


@dataclass(frozen=True)
class Params:
    files: int
    size: int
    fsync: int
    workers: int
    variant: str = "default"
    dir: str = ""  # the cell's scratch directory

    def path(self, i: int) -> Path:
        return Path(self.dir) / f"{i}.bin"

    def data(self, i: int) -> bytes:
        return body(i, self.size)


_PAYLOADS: dict[Params, tuple[bytes, ...]] = {}  # per process: what `prepare` built


def prepare(p: Params) -> None:
    """Build every file's bytes in this process, once, before the clock (setup, pool initializer)."""
    if p not in _PAYLOADS:
        _PAYLOADS[p] = tuple(p.data(i) for i in range(p.files))


def payload(p: Params, i: int) -> bytes:
    """File i's bytes as `prepare` built them; a KeyError if it did not, rather than build them timed."""
    return _PAYLOADS[p][i]


def read_back(path: Path) -> str:
    """Read the file and hash what came back, in the thread that read it."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def one_file(p: Params, i: int) -> str:
    """Write file i, read it back, delete it: the digest of what came back."""
    path = p.path(i)
    with path.open("wb") as f:
        f.write(payload(p, i))
        if p.fsync:
            f.flush()
            os.fsync(f.fileno())
    digest = read_back(path)
    path.unlink()
    return digest


def share(p: Params, indices: list[int]) -> list[str]:
    """One worker's share of the files, in one task (freethreading, subinterpreters, multiprocessing)."""
    return [one_file(p, i) for i in indices]


def reference(p: Params) -> list[str]:
    return [hashlib.sha256(p.data(i)).hexdigest() for i in range(p.files)]


def bytes_moved(params: dict[str, int]) -> int:
    return 2 * params["files"] * params["size"]  # written once, read once


def ideal_s(params: dict[str, int], sync_s: float, cores: int, reference_s: float) -> float:
    """Disk cells are compared with the sync model (efficiency = sync / wall); fio is the disk's limit."""
    return sync_s


_ASYNC_FILES = ("aiofiles", "anyio")  # asyncio.py imports both for its variants

WORKLOAD = Workload(
    "disk_io",
    "M files written, read back and deleted; small, large, and small with fsync",
    quick=QUICK,
    full=FULL,
    variants={
        **every_model(),
        "asyncio": (
            Variant("aiofiles", _ASYNC_FILES, about="aiofiles: run_in_executor, a thread pool"),
            Variant("to_thread", _ASYNC_FILES, about="asyncio.to_thread, a thread pool"),
            Variant("anyio", _ASYNC_FILES, about="anyio.Path: anyio worker threads"),
        ),
        "trio": (
            Variant(about="trio.Path: trio worker threads"),
            Variant("to_thread", about="trio.to_thread.run_sync, one hop per file"),
        ),
        "gevent": (Variant(about="gevent.threadpool"),),
    },
    ideal_s=ideal_s,
    describe=lambda p: (
        f"Files: {p['files']} of {p['size'] // 1024} KiB" + (", fsync each" if p.get("fsync") else "")
    ),
    tiny={"files": 5, "size": 3000, "fsync": 1, "workers": 2},
    scratch=True,
    bytes_moved=bytes_moved,
    round_s=0.45,  # a good day's, on the 2-core VM (2026-12)
)
