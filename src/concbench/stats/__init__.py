"""Statistics over rounds, used by the run and the report alike: estimates and intervals (paired),
significance between two cells (significance)."""
