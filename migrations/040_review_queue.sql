-- The review queue (issue 17, ledger/extract): figures an extractor proposed from a document,
-- what the analyst did with each, and what each extraction left unread.
--
-- - extractions: one row per document x extractor (name@version): the proposals it gave and the
--   sentences it could not read confidently (JSON list of {part, start, end, text, reason}).
-- - proposals: one row per proposed figure, as it now stands (`proposed`, after any edits) and as
--   the extractor proposed it (`original`); its state (pending, accepted, rejected), the figure it
--   was recorded as, and who reviewed it when.
-- - proposal_events: every review fact in log order (proposed, edited, accepted, rejected), an
--   edit's changes as {field: [before, after]}.

CREATE TABLE extractions (
    extraction_id VARCHAR NOT NULL,
    document_id VARCHAR NOT NULL,
    extractor VARCHAR NOT NULL,
    proposal_ids JSON NOT NULL,
    unread JSON NOT NULL,
    position BIGINT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL,
    analyst VARCHAR
);

CREATE TABLE proposals (
    proposal_id VARCHAR NOT NULL,
    document_id VARCHAR NOT NULL,
    extractor VARCHAR NOT NULL,
    state VARCHAR NOT NULL,          -- pending, accepted, rejected
    proposed JSON NOT NULL,          -- the figure as it now stands
    original JSON NOT NULL,          -- as the extractor proposed it
    edits INTEGER NOT NULL,
    figure_id VARCHAR,               -- the figure it was recorded as
    recorded VARCHAR,                -- new, carried (one more carrier of a statement) or known (already there)
    reason VARCHAR,                  -- why it was rejected
    position BIGINT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL,
    analyst VARCHAR,
    reviewed_position BIGINT,
    reviewed_at TIMESTAMPTZ,
    reviewed_by VARCHAR
);

CREATE TABLE proposal_events (
    position BIGINT NOT NULL,
    proposal_id VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,           -- proposed, edited, accepted, rejected
    changes JSON,
    reason VARCHAR,
    figure_id VARCHAR,
    recorded_at TIMESTAMPTZ NOT NULL,
    analyst VARCHAR,
    via VARCHAR
);
