"""Null: a cell that does nothing, to show what the harness itself costs."""
