"""Time travel and the audit trail: explain a tally cell, diff two instants, a series' timeline, PROV lineage.

Built in the read model: SQL over the full fact history and the pure domain functions, never by
replaying aggregates. Each module holds pure functions over a DuckDB connection; `facade` wraps them
for a `Ledger`. Import the modules themselves: this package imports nothing heavy on purpose.
"""
