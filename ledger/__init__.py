"""Event-sourced casualty ledger with provenance."""

__version__ = "0.1.0"
