"""`concbench report`: the published report, one static HTML page built from a results directory.

data (results.csv + pyperf values, verdicts.csv) → groups (which cells compare) → answer (verdicts in
words), claims, charts, code → page (the HTML)."""
