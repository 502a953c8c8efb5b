"""Verdicts: per job (interpreter, workload, params), which models could be best, which are slower and
by how much, how finely the run could tell, and whether that settles it (`decide`); the jobs a run's
cells form (`jobs`); verdicts.csv (`table`)."""
