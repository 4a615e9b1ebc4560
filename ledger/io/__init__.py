"""Files in and out of the ledger.

- `imports.py`: the import entry points, one call per format.
- `pipeline/`: what every import shares: reading files as records (`records.py`), typed fields,
  problems, the catalog of what rows refer to, dataset mappings, and the two-pass run (`run.py`).
- `formats/`: one place per format, holding both directions and its mapping: `ledger/` (the
  ledger's own CSV and JSON Lines bundles), `ucdp/` and `acled/` (`reading.py`, `writing.py`,
  `mapping.json`), `hxl.py`, `parquet.py` (its pinned column types); `tables.py` writes plain CSV,
  JSON and JSON Lines, `csv_text.py` is how a value reads in a CSV cell, and `per_incident.py`
  gathers what the one-row-per-incident exports (UCDP, ACLED, HXL) are written from.
- `export.py` and `manifest.py`: exports and the manifests that trace them; `charts.py`; `seed.py`.
"""
