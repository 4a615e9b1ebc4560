-- Issue 18: less written by a catch-up, and a campaign's cells read without the rest.
--
-- - A figure's first carrier is the figure itself: only the carriers after the first are stored
--   (`later_carriers`), and `carriers` reads as before (same columns, same rows) as a view over
--   `figures` and `later_carriers`. A catch-up writes a million fewer rows per million figures.
-- - The log position a policy's cached tally reflects is kept once, in `tally_positions`, not on
--   every row: bringing the cache to a new position no longer rewrites every row, and asking
--   whether it is current no longer scans it.
-- - Each cached cell and counted claim names its incident tree's root (`root_id`), and a full tally
--   writes them grouped by it: block statistics then let a read of one campaign skip the others.
--
-- `tallies` and `tally_claims` read as before (same columns, same order), now as views.
-- The read model starts afresh after this file (derived tables are derived again from the log).

-- Each carrier of a figure after its first (ClaimSeries.FigureCarried): `carriers` less its first rows.
DELETE FROM carriers WHERE is_first;
ALTER TABLE carriers DROP COLUMN is_first;
ALTER TABLE carriers RENAME TO later_carriers;

-- Every carrier of every figure, the first (is_first, the figure as recorded) among them.
CREATE VIEW carriers AS
SELECT figure_id, series_id, position, true AS is_first, publisher_id, document_id, quote, quote_start, quote_end,
       coalesce(quote_part, 'body') AS quote_part, quantity_text AS words, reported_at, reported_precision,
       reported_estimated, reported_until, coalesce(stance, 'stated') AS stance,
       coalesce(stance_source, 'none') AS stance_source, coalesce(carried_via, '[]') AS carried_via, fingerprint, note,
       recorded_at, analyst, via
FROM figures
UNION ALL
SELECT figure_id, series_id, position, false, publisher_id, document_id, quote, quote_start, quote_end, quote_part, words,
       reported_at, reported_precision, reported_estimated, reported_until, stance, stance_source, carried_via,
       fingerprint, note, recorded_at, analyst, via
FROM later_carriers;

DROP VIEW top_tallies;
DROP TABLE tallies;
DROP TABLE tally_claims;

CREATE TABLE tally_positions (   -- per policy, the log position its cached tally reflects
    policy VARCHAR NOT NULL,
    log_position BIGINT NOT NULL
);

CREATE TABLE tally_cells (       -- the cached tally's cells, one row per cell and policy
    policy VARCHAR NOT NULL,
    incident_id VARCHAR NOT NULL,
    victim_status VARCHAR NOT NULL,
    outcome VARCHAR NOT NULL,
    low HUGEINT,
    best HUGEINT,
    high HUGEINT,
    high_open BOOLEAN NOT NULL,
    grade VARCHAR NOT NULL,
    basis VARCHAR NOT NULL,
    claims INTEGER NOT NULL,     -- standing claims the policy counts in this exact cell (listed in tally_cell_claims)
    parts INTEGER NOT NULL,      -- cells rolled into this one
    status_level INTEGER NOT NULL,  -- 0: all victims (a total), 1: a category, 2: a sub-status
    top BOOLEAN NOT NULL,        -- the total of an incident with no parent: add up top cells only
    unattributed HUGEINT,        -- a total's best that no victim status accounts for (policies that show it)
    root_id VARCHAR NOT NULL     -- the root of the incident's tree (itself, for a root)
);

CREATE TABLE tally_cell_claims ( -- per cached cell, each standing figure it counts
    policy VARCHAR NOT NULL,
    incident_id VARCHAR NOT NULL,
    victim_status VARCHAR NOT NULL,
    outcome VARCHAR NOT NULL,
    figure_id VARCHAR NOT NULL,
    claimant_id VARCHAR NOT NULL,
    root_id VARCHAR NOT NULL
);

CREATE VIEW tallies AS
SELECT c.policy, p.log_position, c.incident_id, c.victim_status, c.outcome, c.low, c.best, c.high, c.high_open,
       c.grade, c.basis, c.claims, c.parts, c.status_level, c.top, c.unattributed
FROM tally_cells c JOIN tally_positions p USING (policy);

CREATE VIEW tally_claims AS
SELECT c.policy, p.log_position, c.incident_id, c.victim_status, c.outcome, c.figure_id, c.claimant_id
FROM tally_cell_claims c JOIN tally_positions p USING (policy);

-- Adding up rows of `tallies` counts people twice (a total and its parts, a campaign and its
-- incidents); adding up `top_tallies` does not.
CREATE VIEW top_tallies AS SELECT * FROM tallies WHERE top;
