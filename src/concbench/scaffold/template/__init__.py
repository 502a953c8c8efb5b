"""The __workload_name__ workload for concbench (a plug-in): `workload.py` is the work and its reference,
each other module runs it in one concurrency model and is named after it. See README.md."""
