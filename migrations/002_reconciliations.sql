-- Reconciliation runs, one row per `ledger:Reconciliation.Recorded` event: the audit trail of every check.

CREATE TABLE reconciliations (
    reconciliation_id VARCHAR PRIMARY KEY,  -- uuid5 of policy label and log position: one run per position
    policy VARCHAR NOT NULL,                -- label, e.g. 'default@1' or 'default@1[tolerance=0.3]'
    policy_name VARCHAR NOT NULL,
    policy_version INTEGER NOT NULL,
    log_position BIGINT NOT NULL,           -- the last evidence event reconciled
    readmodel_position BIGINT NOT NULL,     -- the read-model position compared for drift
    previous_position BIGINT,               -- log position of the previous reconciliation under this policy
    inputs_digest VARCHAR NOT NULL,
    outputs_digest VARCHAR NOT NULL,
    errors INTEGER NOT NULL,
    warnings INTEGER NOT NULL,
    info INTEGER NOT NULL,
    findings JSON NOT NULL,                 -- [[kind, severity, subject], ...]
    changes JSON NOT NULL,                  -- counts of what changed since the previous reconciliation
    options JSON NOT NULL,
    analyst VARCHAR,
    via VARCHAR,
    position BIGINT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL
);
