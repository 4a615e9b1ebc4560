-- The read model: every fact as a typed row, derived from the event log and rebuildable from it.
-- Times are UTC. Positions are event-log notification ids.

CREATE TABLE tracking (
    name VARCHAR PRIMARY KEY,   -- 'events'
    source VARCHAR NOT NULL,    -- which event store fed this read model
    position BIGINT NOT NULL
);

CREATE TABLE facts (            -- every event, in log order: the audit trail
    position BIGINT PRIMARY KEY,
    topic VARCHAR NOT NULL,
    aggregate_id VARCHAR NOT NULL,
    aggregate_version INTEGER NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL,
    analyst VARCHAR,
    via VARCHAR,
    figure_id VARCHAR,          -- set for facts about one figure
    summary VARCHAR NOT NULL
);

CREATE TABLE claimants (
    claimant_id VARCHAR PRIMARY KEY,
    key VARCHAR NOT NULL UNIQUE,
    name VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    default_roles JSON NOT NULL,
    reliability VARCHAR NOT NULL,
    description VARCHAR,
    position BIGINT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE claimant_grades (  -- reliability over recorded time, first grade included
    claimant_id VARCHAR NOT NULL,
    reliability VARCHAR NOT NULL,
    reason VARCHAR,
    position BIGINT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE publishers (
    publisher_id VARCHAR PRIMARY KEY,
    key VARCHAR NOT NULL UNIQUE,
    name VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    url VARCHAR,
    position BIGINT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE documents (
    document_id VARCHAR PRIMARY KEY,
    key VARCHAR NOT NULL UNIQUE,
    sha256 VARCHAR,
    url VARCHAR,
    title VARCHAR,
    publisher_id VARCHAR,
    published_at TIMESTAMPTZ,
    published_precision VARCHAR,
    published_estimated BOOLEAN,
    text VARCHAR,
    position BIGINT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE incidents (
    incident_id VARCHAR PRIMARY KEY,
    key VARCHAR NOT NULL UNIQUE,
    name VARCHAR NOT NULL,
    parent_id VARCHAR,
    country VARCHAR NOT NULL,
    adm1 VARCHAR,
    adm2 VARCHAR,
    place VARCHAR,
    location_precision VARCHAR NOT NULL,
    occurred_start DATE NOT NULL,
    occurred_end DATE NOT NULL,
    date_precision VARCHAR NOT NULL,
    date_estimated BOOLEAN NOT NULL,
    description VARCHAR,
    is_open BOOLEAN NOT NULL,
    position BIGINT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE series (
    series_id VARCHAR PRIMARY KEY,
    incident_id VARCHAR NOT NULL,
    claimant_id VARCHAR NOT NULL,
    victim_status VARCHAR NOT NULL,
    outcome VARCHAR NOT NULL,
    position BIGINT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE figures (          -- each figure as first reported; later facts live in figure_events
    figure_id VARCHAR PRIMARY KEY,
    series_id VARCHAR NOT NULL,
    incident_id VARCHAR NOT NULL,
    claimant_id VARCHAR NOT NULL,
    victim_status VARCHAR NOT NULL,
    outcome VARCHAR NOT NULL,
    role VARCHAR NOT NULL,
    quantity JSON NOT NULL,
    quantity_text VARCHAR NOT NULL,
    bound_kind VARCHAR NOT NULL,
    low BIGINT,
    best BIGINT,
    high BIGINT,
    vague_word VARCHAR,
    vague_table VARCHAR,        -- the vague-word table (name@version) the bounds were read with
    publisher_id VARCHAR,
    document_id VARCHAR,
    quote VARCHAR,
    quote_start INTEGER,
    quote_end INTEGER,
    occurred_start DATE,
    occurred_end DATE,
    occurred_precision VARCHAR,
    reported_at TIMESTAMPTZ NOT NULL,
    reported_precision VARCHAR NOT NULL,
    reported_estimated BOOLEAN NOT NULL,
    women INTEGER,
    children INTEGER,
    fingerprint VARCHAR NOT NULL,
    note VARCHAR,
    position BIGINT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL,
    analyst VARCHAR,
    via VARCHAR
);

CREATE TABLE figure_events (    -- withdrawals, corrections and strikes
    position BIGINT PRIMARY KEY,
    kind VARCHAR NOT NULL,      -- 'withdrawn' (by the claimant), 'corrected', 'struck' (by an analyst)
    figure_id VARCHAR NOT NULL,
    series_id VARCHAR NOT NULL,
    reason VARCHAR NOT NULL,
    correction JSON,
    reported_at TIMESTAMPTZ,    -- for withdrawals: when the claimant withdrew
    document_id VARCHAR,
    quote VARCHAR,
    recorded_at TIMESTAMPTZ NOT NULL,
    analyst VARCHAR,
    via VARCHAR
);

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
    claims INTEGER NOT NULL,
    claim_figure_ids VARCHAR[] NOT NULL,
    claimants VARCHAR,          -- names of the claimants whose figures stand in this cell
    parts INTEGER NOT NULL
);
