"""The disk's own limit for a disk_io case, measured by fio when it is installed.

The same bytes as the cell: `files` files of `size` bytes, written (with fsync when the case has
it), then read back, in the same kind of scratch directory. Once per case per run.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile


def measure(params: dict[str, int], timeout_s: float = 120) -> dict | None:
    """{"tool": "fio", "version", "write_mb_s", "read_mb_s", "mb_per_s"} or None without fio."""
    fio = shutil.which("fio")
    if not fio:
        return None
    total = params["files"] * params["size"]
    rates = {}
    with tempfile.TemporaryDirectory(prefix="concbench-fio-") as d:
        for rw in ("write", "read"):
            cmd = [
                fio,
                "--name=concbench",
                f"--directory={d}",
                f"--rw={rw}",
                f"--bs={min(params['size'], 1 << 20)}",
                f"--nrfiles={params['files']}",
                f"--filesize={params['size']}",
                f"--size={total}",
                f"--fsync={1 if params.get('fsync') and rw == 'write' else 0}",
                "--ioengine=psync",
                "--output-format=json",
            ]
            out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s, check=True).stdout
            job = json.loads(out[out.index("{") :])["jobs"][0]
            rates[rw] = job[rw]["bw_bytes"] / 1e6
    version = subprocess.run([fio, "--version"], capture_output=True, text=True).stdout.strip()
    combined = 2 * total / 1e6 / (total / 1e6 / rates["write"] + total / 1e6 / rates["read"])
    return {
        "tool": "fio",
        "version": version,
        "write_mb_s": rates["write"],
        "read_mb_s": rates["read"],
        "mb_per_s": combined,
    }
