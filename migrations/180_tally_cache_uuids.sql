-- The tally cache's ids as UUIDs, 16 bytes each, not 36-character text: at 1M figures, writing two million
-- cells took a fifth less and a million claims a third less (about 0.35 s each; README, Performance). Every
-- id the cache holds is an aggregate's uuid (ledger/domain/ids.py); the views read them as text, as before.
-- The cache is emptied: the next tally computes every cell anew.
DROP VIEW top_tallies;
DROP VIEW tallies;
DROP VIEW tally_claims;
DROP TABLE tally_cells;
DROP TABLE tally_cell_claims;
DELETE FROM tally_positions;

CREATE TABLE tally_cells (       -- the cached tally's cells, one row per cell and policy
    policy VARCHAR NOT NULL,
    incident_id UUID NOT NULL,
    victim_status VARCHAR NOT NULL,
    outcome tally_outcome NOT NULL,
    low HUGEINT,                 -- low, best and high are all NULL when nothing is quantified
    best HUGEINT,
    high HUGEINT,                -- NULL beside a best: open (no upper bound)
    grade tally_grade NOT NULL,
    basis tally_basis NOT NULL,
    claims INTEGER NOT NULL,     -- standing claims the policy counts in this exact cell (listed in tally_cell_claims)
    parts INTEGER NOT NULL,      -- cells rolled into this one
    unattributed HUGEINT,        -- a total's best that no victim status accounts for (policies that show it)
    root_id UUID NOT NULL        -- the root of the incident's tree (itself, for a root)
);

CREATE TABLE tally_cell_claims ( -- per cached cell, each standing figure it counts
    policy VARCHAR NOT NULL,
    incident_id UUID NOT NULL,
    victim_status VARCHAR NOT NULL,
    outcome VARCHAR NOT NULL,
    figure_id UUID NOT NULL,
    claimant_id UUID NOT NULL,
    root_id UUID NOT NULL
);

-- status_level: 0 all victims (a total), 1 a category, 2 a sub-status; top: the total of an
-- incident with no parent (add up top cells only).
CREATE VIEW tallies AS
SELECT c.policy, p.log_position, c.incident_id::VARCHAR AS incident_id, c.victim_status, c.outcome::VARCHAR AS outcome,
       c.low, c.best, c.high, c.best IS NOT NULL AND c.high IS NULL AS high_open, c.grade::VARCHAR AS grade,
       c.basis::VARCHAR AS basis, c.claims, c.parts,
       CASE WHEN c.victim_status = 'all' THEN 0 WHEN contains(c.victim_status, '/') THEN 2 ELSE 1 END AS status_level,
       c.victim_status = 'all' AND c.root_id = c.incident_id AS top, c.unattributed
FROM tally_cells c JOIN tally_positions p USING (policy);

CREATE VIEW tally_claims AS
SELECT c.policy, p.log_position, c.incident_id::VARCHAR AS incident_id, c.victim_status, c.outcome,
       c.figure_id::VARCHAR AS figure_id, c.claimant_id::VARCHAR AS claimant_id
FROM tally_cell_claims c JOIN tally_positions p USING (policy);

-- Adding up rows of `tallies` counts people twice (a total and its parts, a campaign and its
-- incidents); adding up `top_tallies` does not.
CREATE VIEW top_tallies AS SELECT * FROM tallies WHERE top;
