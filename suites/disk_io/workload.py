"""Params, the per-file pipeline and its reference for the disk I/O workload.

Each of M files: write S bytes derived from its number (optionally `fsync`), read them back, delete
the file; the result is the SHA-256 of what was read back, so the digest covers the bytes that
really went through the file system. The directory is a fresh one the runner makes for the cell
and removes afterwards, whatever happens to the cell.
"""

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from concbench.servers.content import body

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


def one_file(p: Params, i: int) -> str:
    """Write file i, read it back, delete it: the digest of what came back."""
    path = p.path(i)
    with path.open("wb") as f:
        f.write(p.data(i))
        if p.fsync:
            f.flush()
            os.fsync(f.fileno())
    data = path.read_bytes()
    path.unlink()
    return hashlib.sha256(data).hexdigest()


def share(p: Params, indices: list[int]) -> list[str]:
    return [one_file(p, i) for i in indices]


def reference(p: Params) -> list[str]:
    return [hashlib.sha256(p.data(i)).hexdigest() for i in range(p.files)]


def bytes_moved(params: dict[str, int]) -> int:
    return 2 * params["files"] * params["size"]  # written once, read once


def ideal_s(params: dict[str, int], sync_s: float, cores: int, reference_s: float) -> float:
    """Disk cells are compared with the sync model (efficiency = sync / wall); fio is the disk's limit."""
    return sync_s
