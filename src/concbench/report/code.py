"""Each model's implementation of a workload, highlighted, with its lines of code."""

from __future__ import annotations

import ast
import re
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
        """Highlighted by class (the page carries STYLE once); tokens their class does not colour
        (names, punctuation, spaces) left bare."""
        return SPAN.sub(_bare, highlight(self.text, PythonLexer(), FORMATTER))


FORMATTER = HtmlFormatter(nobackground=True)
STYLE = FORMATTER.get_style_defs(".highlight")  # the classes' colours, once per page
SPAN = re.compile(r'<span class="([^"]*)">([^<]*)</span>')


PLAIN = {"w", "o"}  # spaces and operators: grey in the style, plain here (a third of the spans)


def _bare(m: re.Match) -> str:
    """A token's span only where its class has a colour."""
    return m.group(0) if m.group(1) in FORMATTER.class2style and m.group(1) not in PLAIN else m.group(2)


def sources(workload: str) -> list[Source]:
    """The model files of `workload`, in registry order (its workload.py, the work they share, is
    named on the page, not shown: it would double the page)."""
    wl = WORKLOADS[workload]
    folder = resources.files(wl.package)
    names = list(wl.variants)
    return [
        Source(workload, n, (folder / f"{n}.py").read_text()) for n in names if (folder / f"{n}.py").is_file()
    ]
