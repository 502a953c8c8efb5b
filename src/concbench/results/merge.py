"""Merge results directories (machines, CI jobs, one per interpreter) into one.

Results are per machine, so a merge is a union: every row keeps its machine; the raw pyperf files are
copied under `raw/<machine>/`. Two rows for the same cell on the same machine and interpreter are a
conflict, an error unless the newest run is preferred.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field, replace
from pathlib import Path

from concbench import __version__
from concbench.results.files import BadResults, read, write_csv, write_manifest
from concbench.results.row import Row

CELL_KEY = ("machine", "interpreter", "workload", "model", "variant", "params")


class MergeError(Exception):
    """A source is not a results directory, or two sources disagree on a cell."""


@dataclass
class Source:
    path: Path
    manifest: dict
    rows: list[Row] = field(default_factory=list)

    @property
    def machine(self) -> str:
        return self.manifest.get("machine", {}).get("hostname", "unknown")


def load(path: Path) -> Source:
    """A source directory, read whole (results.read) before anything is merged."""
    try:
        results = read(path)
    except BadResults as e:
        raise MergeError(str(e)) from e
    source = Source(path, results.manifest)
    source.rows = [replace(r, machine=r.machine or source.machine) for r in results.rows]
    return source


def select(sources: list[Source], prefer_newest: bool = False) -> list[tuple[Source, Row]]:
    """The rows of the union, one per cell; a conflicting duplicate is an error unless
    `prefer_newest`, then the row of the run that finished last is kept."""
    kept: dict[tuple, tuple[Source, Row]] = {}
    for source in sources:
        for row in source.rows:
            key = tuple(getattr(row, k) for k in CELL_KEY)
            if key in kept:
                other = kept[key][0]
                if not prefer_newest:
                    raise MergeError(
                        f"{source.path} and {other.path} both have {row.interpreter} {row.workload}."
                        f"{row.model}/{row.variant} {row.params} on {row.machine}; "
                        "pass --prefer newest to keep the newer run"
                    )
                if source.manifest.get("finished", "") <= other.manifest.get("finished", ""):
                    continue
            kept[key] = (source, row)
    return list(kept.values())


def write(sources: list[Source], kept: list[tuple[Source, Row]], out: Path) -> None:
    """The merged results directory: rows, raw files under raw/<machine>/, the manifest."""
    rows = []
    for source, row in kept:
        if row.raw_file:
            target = Path("raw") / row.machine / Path(row.raw_file).name
            (out / target).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source.path / row.raw_file, out / target)
            row = replace(row, raw_file=str(target))
        rows.append(row)
    (out / "raw").mkdir(parents=True, exist_ok=True)
    write_csv(out / "results.csv", rows)
    write_manifest(out / "manifest.json", merged_manifest(sources))


def merged_manifest(sources: list[Source]) -> dict:
    interpreters = {}
    for s in sources:
        for interp in s.manifest.get("interpreters", []):
            interpreters[(s.machine, interp.get("id"))] = {**interp, "machine": s.machine}
    return {
        "concbench_version": __version__,
        "merged_from": [
            {
                "dir": str(s.path),
                "machine": s.manifest.get("machine"),
                "started": s.manifest.get("started"),
                "finished": s.manifest.get("finished"),
                "command": s.manifest.get("command"),
                "mode": s.manifest.get("params", {}).get("mode"),
            }
            for s in sources
        ],
        "machines": {s.machine: s.manifest.get("machine") for s in sources},
        "interpreters": list(interpreters.values()),
        "harness": {k: v for s in sources for k, v in s.manifest.get("harness", {}).items()},
        "started": min(s.manifest.get("started", "") for s in sources),
        "finished": max(s.manifest.get("finished", "") for s in sources),
    }
