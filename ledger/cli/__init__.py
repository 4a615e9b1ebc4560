"""The `ledger` command: thin over the library; heavy modules load only inside commands."""
