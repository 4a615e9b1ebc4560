-- Every fact about a claimant, publisher or incident registration, in log order: as registered, then
-- each analyst's correction, closing and reopening, with the fields it gave. The claimants, publishers
-- and incidents tables hold how each stands now; this table keeps how it got there, so the audit
-- trail shows the corrections and a JSON Lines bundle can carry the registration as first made and
-- every later fact about it.

CREATE TABLE registry_facts (
    position BIGINT NOT NULL,
    kind VARCHAR NOT NULL,          -- 'claimant', 'publisher' or 'incident'
    aggregate_id VARCHAR NOT NULL,
    fact VARCHAR NOT NULL,          -- 'registered', 'corrected', 'closed' or 'reopened'
    fields JSON,                    -- registered: every field as registered; corrected: the corrected ones (others null)
    reason VARCHAR,
    recorded_at TIMESTAMPTZ NOT NULL,
    analyst VARCHAR,
    via VARCHAR
);
