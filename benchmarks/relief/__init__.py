"""Relief benchmark: generated scenario families, an LP upper bound, a hand-dispatch baseline."""
