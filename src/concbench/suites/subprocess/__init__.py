"""Subprocesses: N short child programs (the cell's own interpreter), at most C alive at once."""
