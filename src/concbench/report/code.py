"""Each model's implementation of a workload, with its lines of code."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from html import escape
from importlib import resources

from concbench.registry import WORKLOADS


@dataclass(frozen=True)
class Source:
    workload: str
    model: str
    text: str

    @property
    def lines_of_code(self) -> int:
        """Lines that are not blank, comments or the module docstring."""
        body = ast.parse(self.text).body
        skip = (
            body[0].end_lineno
            if body
            and isinstance(body[0], ast.Expr)
            and isinstance(getattr(body[0], "value", None), ast.Constant)
            else 0
        )
        lines = self.text.splitlines()[skip or 0 :]
        return sum(1 for ln in lines if ln.strip() and not ln.strip().startswith("#"))

    def html(self) -> str:
        """The file as it is: plain, not highlighted (colour would double the page's weight)."""
        return f"<pre>{escape(self.text)}</pre>"


def sources(workload: str) -> list[Source]:
    """The model files of `workload`, in registry order (its workload.py, the work they share, is
    named on the page, not shown: it would double the page)."""
    wl = WORKLOADS[workload]
    folder = resources.files(wl.package)
    names = list(wl.variants)
    return [
        Source(workload, n, (folder / f"{n}.py").read_text()) for n in names if (folder / f"{n}.py").is_file()
    ]
