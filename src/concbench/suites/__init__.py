"""The workloads, one package each: `workload.py` (params, the work, the reference) and one file per model."""
