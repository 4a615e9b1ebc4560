-- Totals, carriers, stance, headlines and coarse reported times.
--
-- - A figure records how its source put it (stance, and whether the analyst gave it or its words
--   did), how a derived figure was worked out, the total it is a named part of, where its quote
--   stands (body or headline), what its publisher carried it via, and the last instant a coarse
--   report may stand for (`--reported-before` compares that).
-- - carriers: every source that carried a figure's statement, its first one included (one row from
--   each FigureReported and each FigureCarried); the earliest is the primary carrier.
-- - documents keep their headline apart from their body text.
-- - tallies say each cell's level in the victim-status tree (0: the total, `all`; 1: a category;
--   2: a sub-status), whether it is a top cell (the total of an incident with no parent: adding up
--   top cells never counts anyone twice), and what a total leaves unattributed.
-- Tallies are a cache of the policy engine, so their tables start afresh.

ALTER TABLE figures ADD COLUMN stance VARCHAR;
ALTER TABLE figures ADD COLUMN stance_source VARCHAR;
ALTER TABLE figures ADD COLUMN derived VARCHAR;
ALTER TABLE figures ADD COLUMN part_of VARCHAR;
ALTER TABLE figures ADD COLUMN quote_part VARCHAR;
ALTER TABLE figures ADD COLUMN reported_until TIMESTAMPTZ;
ALTER TABLE figures ADD COLUMN carried_via JSON;

ALTER TABLE figure_events ADD COLUMN reported_until TIMESTAMPTZ;

ALTER TABLE documents ADD COLUMN headline VARCHAR;

CREATE TABLE carriers (
    figure_id VARCHAR NOT NULL,
    series_id VARCHAR NOT NULL,
    position BIGINT NOT NULL,          -- the event that recorded this carrier
    is_first BOOLEAN NOT NULL,         -- the carrier the figure was first recorded from
    publisher_id VARCHAR,
    document_id VARCHAR,
    quote VARCHAR,
    quote_start INTEGER,
    quote_end INTEGER,
    quote_part VARCHAR NOT NULL,
    words VARCHAR NOT NULL,            -- the quantity as this carrier wrote it ("Twenty-one", "21")
    reported_at TIMESTAMPTZ NOT NULL,
    reported_precision VARCHAR NOT NULL,
    reported_estimated BOOLEAN NOT NULL,
    reported_until TIMESTAMPTZ NOT NULL,
    stance VARCHAR NOT NULL,
    stance_source VARCHAR NOT NULL,
    carried_via JSON NOT NULL,         -- publisher ids this carrier cites, nearest first
    fingerprint VARCHAR NOT NULL,
    note VARCHAR,
    recorded_at TIMESTAMPTZ NOT NULL,
    analyst VARCHAR,
    via VARCHAR
);

CREATE TABLE configuration (            -- the ledger's settings over recorded time
    position BIGINT NOT NULL,
    default_policy VARCHAR NOT NULL,
    reason VARCHAR,
    recorded_at TIMESTAMPTZ NOT NULL,
    analyst VARCHAR
);

DROP TABLE tallies;
DROP TABLE tally_claims;

CREATE TABLE tallies (          -- cached tallies per policy, valid for one log position
    policy VARCHAR NOT NULL,
    log_position BIGINT NOT NULL,
    incident_id VARCHAR NOT NULL,
    victim_status VARCHAR NOT NULL,
    outcome VARCHAR NOT NULL,
    low BIGINT,
    best BIGINT,
    high BIGINT,
    high_open BOOLEAN NOT NULL,
    grade VARCHAR NOT NULL,
    basis VARCHAR NOT NULL,
    claims INTEGER NOT NULL,    -- standing claims the policy counts in this exact cell (listed in tally_claims)
    parts INTEGER NOT NULL,     -- cells rolled into this one
    status_level INTEGER NOT NULL,  -- 0: all victims (a total), 1: a category, 2: a sub-status
    top BOOLEAN NOT NULL,       -- the total of an incident with no parent: add up top cells only
    unattributed BIGINT         -- a total's best that no victim status accounts for (policies that show it)
);

CREATE TABLE tally_claims (     -- per tally cell, each standing figure it counts
    policy VARCHAR NOT NULL,
    log_position BIGINT NOT NULL,
    incident_id VARCHAR NOT NULL,
    victim_status VARCHAR NOT NULL,
    outcome VARCHAR NOT NULL,
    figure_id VARCHAR NOT NULL,
    claimant_id VARCHAR NOT NULL
);

-- Adding up rows of `tallies` counts people twice (a total and its parts, a campaign and its
-- incidents); adding up `top_tallies` does not.
CREATE VIEW top_tallies AS SELECT * FROM tallies WHERE top;
