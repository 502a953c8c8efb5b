"""The results contract, owned here: `Row` and the named states (`row`), the one reader and writer
of a results directory (`files`), and `merge`. See docs/results-format.md."""

from concbench.results.files import (
    FORMAT,
    BadResults,
    Results,
    read,
    read_manifest,
    write_atomic,
    write_csv,
    write_manifest,
)
from concbench.results.row import COLUMNS, TARGETS, Row, Status, base_row, column_types, imprecise

__all__ = [
    "COLUMNS",
    "FORMAT",
    "TARGETS",
    "BadResults",
    "Results",
    "Row",
    "Status",
    "base_row",
    "column_types",
    "imprecise",
    "read",
    "read_manifest",
    "write_atomic",
    "write_csv",
    "write_manifest",
]
