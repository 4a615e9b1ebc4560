-- The claims behind each tally cell move to a table of their own, one row per counted claim:
-- building a list per cell cost more than the whole tally. The claimants' names are joined when
-- read. Tallies are a cache of the policy engine, so the table starts afresh.

DROP TABLE tallies;

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
    parts INTEGER NOT NULL      -- cells rolled into this one
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
