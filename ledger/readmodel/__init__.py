"""The DuckDB read model: derived from the event log, rebuildable at will."""
