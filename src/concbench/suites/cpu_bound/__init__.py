"""CPU-bound: K equal tasks of pure-Python work (no C call that drops the GIL)."""
