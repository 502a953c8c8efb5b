"""Mock servers that the runner starts and stops around the workloads that need them."""
