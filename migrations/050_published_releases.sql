-- Published datasets (UCDP GED, ACLED) imported release by release (issue 13).
--
-- - figures.attributed: the source a dataset attributes a figure to, as published (UCDP's
--   source_original, office, article and headline; ACLED's source and notes), as JSON; NULL for
--   every figure recorded otherwise. `ledger figures --source-text WORDS` searches it.
-- - published_flags: what a release import recorded about rows of the file it read: rows that
--   are odd in the publisher's own terms (best above high, zero bounds around a non-zero best, a
--   source date before the event), recorded as published and flagged; and rows that could not be
--   read at all and were left out because the user said so (--skip-unreadable). One row per flag,
--   from the release document's RowsFlagged event; reconcile reports them, explain shows them.

ALTER TABLE figures ADD COLUMN attributed JSON;

CREATE TABLE published_flags (
    document_id VARCHAR NOT NULL,      -- the release
    incident_key VARCHAR,              -- the event flagged (NULL: a row left out, never read)
    line INTEGER,                      -- where the row starts in the file as published
    kind VARCHAR NOT NULL,             -- 'odd' (recorded, flagged) or 'left_out' (not read)
    field VARCHAR,
    value VARCHAR,
    problem VARCHAR NOT NULL,
    position BIGINT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL
);
