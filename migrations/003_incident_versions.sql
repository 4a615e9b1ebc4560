-- Each incident's parent and period over recorded time, so as-of reads see the incident tree
-- as it was recorded then, whatever was corrected later.

CREATE TABLE incident_versions (
    incident_id VARCHAR NOT NULL,
    parent_id VARCHAR,
    occurred_start DATE NOT NULL,
    occurred_end DATE NOT NULL,
    position BIGINT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL
);
