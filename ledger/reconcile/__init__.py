"""Reconciliation: re-derive the read model, check the tallies and the evidence, record the outcome."""
