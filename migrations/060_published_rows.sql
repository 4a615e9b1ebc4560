-- The rows UCDP and ACLED published for imported events (ledger:PublishedRow.Recorded,
-- ledger/domain/published.py): every column of the row as text, with the dataset, the file and its
-- SHA-256. An incident has one row per distinct published version; exports write its latest.

CREATE TABLE published_rows (
    row_id VARCHAR NOT NULL,
    key VARCHAR NOT NULL,           -- <incident key>@<digest of the columns>
    incident_id VARCHAR NOT NULL,
    dataset VARCHAR NOT NULL,       -- 'ucdp-ged' or 'acled'
    file VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    line BIGINT NOT NULL,
    columns JSON NOT NULL,          -- {column: text as published}
    position BIGINT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL,
    analyst VARCHAR,
    via VARCHAR
);
