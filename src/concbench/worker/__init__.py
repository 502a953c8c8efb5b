"""The cell worker's entry point, `python -m concbench.worker` (the code is `concbench.worker.cell`).

A package's `__main__`, because multiprocessing's spawn and forkserver children re-run the parent's
main module unless it is one: started from a plain module, every process a model starts would first
import the harness (pyperf, psutil) again. This package itself imports nothing.
"""
