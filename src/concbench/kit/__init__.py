"""What workloads and plug-ins may import: HTTP clients (clients), warm pools (pools), splitting work
(partition), free-threading helpers (crew), one trio run for a cell's life (triorun)."""
