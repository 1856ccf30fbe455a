"""Re-planning benchmark: a rolling simulation of live operations (contract §6)."""
