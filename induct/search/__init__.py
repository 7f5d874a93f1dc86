"""Search (wake): strategies that turn a task and a prior into a Frontier."""
