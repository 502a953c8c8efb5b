"""Each model's implementation of a workload, highlighted, with its lines of code."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from importlib import resources

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

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
        return highlight(self.text, PythonLexer(), HtmlFormatter(noclasses=True, nobackground=True))


def sources(workload: str) -> list[Source]:
    """The model files of `workload` (and its workload.py, the shared part), in registry order."""
    wl = WORKLOADS[workload]
    folder = resources.files(wl.package)
    names = [*wl.variants, "workload"]
    return [
        Source(workload, n, (folder / f"{n}.py").read_text()) for n in names if (folder / f"{n}.py").is_file()
    ]
