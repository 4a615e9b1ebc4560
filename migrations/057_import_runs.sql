-- Import runs (issue 15, ledger/domain/import_run.py): one row per run of an import's write pass,
-- as the read model has derived it. A run whose row says 'started' holds back everything after
-- its start (ledger/readmodel/runs.py) until its end is recorded: 'completed' (its facts are
-- derived) or 'aborted' (its facts stay out for good).

CREATE TABLE import_runs (
    run_id VARCHAR PRIMARY KEY,
    label VARCHAR NOT NULL,          -- first 12 hex digits of the file's SHA-256, '-', the run's number
    sha256 VARCHAR NOT NULL,
    number INTEGER NOT NULL,
    format VARCHAR,
    source VARCHAR,                  -- the file as the import named it
    expected JSON,                   -- what the check pass counted
    host VARCHAR,
    pid BIGINT,
    state VARCHAR NOT NULL,          -- started, completed, aborted
    started_position BIGINT NOT NULL,
    started_at TIMESTAMPTZ NOT NULL,
    analyst VARCHAR,
    ended_position BIGINT,
    ended_at TIMESTAMPTZ,
    reason VARCHAR                   -- why it was aborted
);
