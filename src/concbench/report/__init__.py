"""`concbench report`: the published report, one static HTML page built from a results directory.

data (results.csv + pyperf values) → groups (which cells compare) → recommend, claims, charts,
code → page (the HTML)."""
