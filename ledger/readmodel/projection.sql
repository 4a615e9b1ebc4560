-- How each page of stored events becomes read-model rows. DuckDB parses the events' JSON in bulk.
-- Each page is split by topic into three tables of (position, aggregate_id, aggregate_version,
-- topic, e), `e` being the event parsed once into a struct (projector.py):
--   page_opened   ledger:ClaimSeries.Opened, parsed with OPENED_SHAPE
--   page_figures  ledger:ClaimSeries.FigureReported, parsed with FIGURE_SHAPE
--   page          every other event, parsed with the fields of EVENT_SHAPE that the statements
--                 running for this page read of `page` (projector.page_shape)
-- The two commonest events get structs of their own fields only, cheaper to build than the wide
-- one. Statements run in order inside the page's transaction, so a series is inserted before the
-- figures that need it. A statement with a `topics:` line reads only events of those topics (`%`
-- ends a prefix, as in LIKE) and is skipped for a page that has none: planning even a statement
-- with nothing to do costs milliseconds, and there are over thirty. A statement without one runs
-- for every page.
-- Values are stored by the `eventsourcing` JSON transcoder: {"_type_": ..., "_data_": ...}.
-- When an event class gains a version, its statements here must read both shapes (a field a
-- version-1 event lacks parses as NULL).
-- A coarse reported time's last instant (`reported_until`) is computed in UTC, as
-- ledger.domain.values.period_end_instant does.

-- name: claimants
-- topics: ledger:Claimant.Registered
INSERT INTO claimants
SELECT aggregate_id, e.key, e.name, e.kind, e.default_roles,
       e.reliability, e.description, position, (e.timestamp._data_)::TIMESTAMPTZ
FROM page WHERE topic = 'ledger:Claimant.Registered';

-- name: claimant_grades
-- topics: ledger:Claimant.Registered ledger:Claimant.Graded
INSERT INTO claimant_grades
SELECT aggregate_id, e.reliability,
       CASE WHEN topic = 'ledger:Claimant.Registered' THEN 'registered' ELSE e.reason END,
       position, (e.timestamp._data_)::TIMESTAMPTZ
FROM page WHERE topic IN ('ledger:Claimant.Registered', 'ledger:Claimant.Graded');

-- name: claimant_updates
-- topics: ledger:Claimant.Graded
UPDATE claimants SET reliability = latest.reliability
FROM (SELECT aggregate_id, arg_max(e.reliability, position) AS reliability
      FROM page WHERE topic = 'ledger:Claimant.Graded' GROUP BY aggregate_id) AS latest
WHERE claimants.claimant_id = latest.aggregate_id;

-- name: claimant_roles
-- topics: ledger:Claimant.DefaultRolesSet
UPDATE claimants SET default_roles = latest.roles
FROM (SELECT aggregate_id, arg_max(e.default_roles, position) AS roles
      FROM page WHERE topic = 'ledger:Claimant.DefaultRolesSet' GROUP BY aggregate_id) AS latest
WHERE claimants.claimant_id = latest.aggregate_id;

-- name: claimant_corrections
-- topics: ledger:Claimant.Corrected
UPDATE claimants SET
    name = coalesce(c.name, claimants.name),
    kind = coalesce(c.kind, claimants.kind),
    default_roles = coalesce(c.default_roles, claimants.default_roles),
    description = coalesce(c.description, claimants.description)
FROM (SELECT aggregate_id,
             arg_max(e.name, position) FILTER (WHERE e.name IS NOT NULL) AS name,
             arg_max(e.kind, position) FILTER (WHERE e.kind IS NOT NULL) AS kind,
             arg_max(e.default_roles, position) FILTER (WHERE e.default_roles IS NOT NULL) AS default_roles,
             arg_max(e.description, position) FILTER (WHERE e.description IS NOT NULL) AS description
      FROM page WHERE topic = 'ledger:Claimant.Corrected' GROUP BY aggregate_id) AS c
WHERE claimants.claimant_id = c.aggregate_id;

-- name: publishers
-- topics: ledger:Publisher.Registered
INSERT INTO publishers
SELECT aggregate_id, e.key, e.name, e.kind, e.url,
       position, (e.timestamp._data_)::TIMESTAMPTZ
FROM page WHERE topic = 'ledger:Publisher.Registered';

-- name: publisher_corrections
-- topics: ledger:Publisher.Corrected
UPDATE publishers SET
    name = coalesce(c.name, publishers.name),
    kind = coalesce(c.kind, publishers.kind),
    url = coalesce(c.url, publishers.url)
FROM (SELECT aggregate_id,
             arg_max(e.name, position) FILTER (WHERE e.name IS NOT NULL) AS name,
             arg_max(e.kind, position) FILTER (WHERE e.kind IS NOT NULL) AS kind,
             arg_max(e.url, position) FILTER (WHERE e.url IS NOT NULL) AS url
      FROM page WHERE topic = 'ledger:Publisher.Corrected' GROUP BY aggregate_id) AS c
WHERE publishers.publisher_id = c.aggregate_id;

-- name: documents
-- topics: ledger:Document.Archived
INSERT INTO documents
SELECT aggregate_id, e.key, e.sha256, e.url, e.title,
       (e.publisher_id._data_)::UUID::VARCHAR,
       (e.published._data_.at)::TIMESTAMPTZ, e.published._data_.precision,
       (e.published._data_.estimated)::BOOLEAN, e.text,
       position, (e.timestamp._data_)::TIMESTAMPTZ, e.headline
FROM page WHERE topic = 'ledger:Document.Archived';

-- name: incidents
-- topics: ledger:Incident.Registered
INSERT INTO incidents
SELECT aggregate_id, e.key, e.name, (e.parent_id._data_)::UUID::VARCHAR,
       e.location._data_.country, e.location._data_.adm1, e.location._data_.adm2,
       e.location._data_.place, e.location._data_.precision,
       (e.period._data_.start)::DATE, (e.period._data_.end)::DATE,
       e.period._data_.precision, (e.period._data_.estimated)::BOOLEAN,
       e.description, true, position, (e.timestamp._data_)::TIMESTAMPTZ
FROM page WHERE topic = 'ledger:Incident.Registered';

-- name: incident_corrections
-- topics: ledger:Incident.Corrected
UPDATE incidents SET
    name = coalesce(c.name, incidents.name),
    parent_id = coalesce(c.parent_id, incidents.parent_id),
    country = coalesce(c.location.country, incidents.country),
    adm1 = CASE WHEN c.location IS NULL THEN incidents.adm1 ELSE c.location.adm1 END,
    adm2 = CASE WHEN c.location IS NULL THEN incidents.adm2 ELSE c.location.adm2 END,
    place = CASE WHEN c.location IS NULL THEN incidents.place ELSE c.location.place END,
    location_precision = coalesce(c.location.precision, incidents.location_precision),
    occurred_start = coalesce((c.period.start)::DATE, incidents.occurred_start),
    occurred_end = coalesce((c.period.end)::DATE, incidents.occurred_end),
    date_precision = coalesce(c.period.precision, incidents.date_precision),
    date_estimated = coalesce(c.period.estimated, incidents.date_estimated),
    description = coalesce(c.description, incidents.description)
FROM (SELECT aggregate_id,
             arg_max(e.name, position) FILTER (WHERE e.name IS NOT NULL) AS name,
             arg_max((e.parent_id._data_)::UUID::VARCHAR, position) FILTER (WHERE e.parent_id IS NOT NULL) AS parent_id,
             arg_max(e.location._data_, position) FILTER (WHERE e.location IS NOT NULL) AS location,
             arg_max(e.period._data_, position) FILTER (WHERE e.period IS NOT NULL) AS period,
             arg_max(e.description, position) FILTER (WHERE e.description IS NOT NULL) AS description
      FROM page WHERE topic = 'ledger:Incident.Corrected' GROUP BY aggregate_id) AS c
WHERE incidents.incident_id = c.aggregate_id;

-- name: incident_versions_registered
-- topics: ledger:Incident.Registered
INSERT INTO incident_versions
SELECT aggregate_id, (e.parent_id._data_)::UUID::VARCHAR, (e.period._data_.start)::DATE, (e.period._data_.end)::DATE,
       position, (e.timestamp._data_)::TIMESTAMPTZ
FROM page WHERE topic = 'ledger:Incident.Registered';

-- name: incident_versions_corrected
-- topics: ledger:Incident.Corrected
-- One version per correction: the fields it names over the incident's state before it.
INSERT INTO incident_versions
WITH c AS (
    SELECT aggregate_id, position, (e.timestamp._data_)::TIMESTAMPTZ AS recorded_at,
           (e.parent_id._data_)::UUID::VARCHAR AS parent_id,
           (e.period._data_.start)::DATE AS occurred_start, (e.period._data_.end)::DATE AS occurred_end
    FROM page WHERE topic = 'ledger:Incident.Corrected'
), base AS (
    SELECT incident_id, arg_max_null(parent_id, position) AS parent_id,
           arg_max(occurred_start, position) AS occurred_start, arg_max(occurred_end, position) AS occurred_end
    FROM incident_versions WHERE incident_id IN (SELECT aggregate_id FROM c) GROUP BY incident_id
)
SELECT c.aggregate_id,
       coalesce(last_value(c.parent_id IGNORE NULLS) OVER w, base.parent_id),
       coalesce(last_value(c.occurred_start IGNORE NULLS) OVER w, base.occurred_start),
       coalesce(last_value(c.occurred_end IGNORE NULLS) OVER w, base.occurred_end),
       c.position, c.recorded_at
FROM c JOIN base ON base.incident_id = c.aggregate_id
WINDOW w AS (PARTITION BY c.aggregate_id ORDER BY c.position ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW);

-- name: incident_status
-- topics: ledger:Incident.Closed ledger:Incident.Reopened
UPDATE incidents SET is_open = latest.is_open
FROM (SELECT aggregate_id, arg_max(topic = 'ledger:Incident.Reopened', position) AS is_open
      FROM page WHERE topic IN ('ledger:Incident.Closed', 'ledger:Incident.Reopened') GROUP BY aggregate_id) AS latest
WHERE incidents.incident_id = latest.aggregate_id;

-- name: registry_facts
-- topics: ledger:Claimant.Registered ledger:Claimant.Corrected ledger:Publisher.Registered ledger:Publisher.Corrected ledger:Incident.Registered ledger:Incident.Corrected ledger:Incident.Closed ledger:Incident.Reopened
-- Registrations of claimants, publishers and incidents and the later facts about them (migration 010).
INSERT INTO registry_facts
SELECT position, lower(split_part(split_part(topic, ':', 2), '.', 1)), aggregate_id,
       CASE split_part(topic, '.', 2) WHEN 'Registered' THEN 'registered' WHEN 'Corrected' THEN 'corrected'
            WHEN 'Closed' THEN 'closed' ELSE 'reopened' END,
       CASE WHEN topic LIKE 'ledger:Claimant.%' THEN
                json_object('name', e.name, 'kind', e.kind, 'default_roles', e.default_roles, 'description', e.description)
            WHEN topic LIKE 'ledger:Publisher.%' THEN json_object('name', e.name, 'kind', e.kind, 'url', e.url)
            WHEN topic IN ('ledger:Incident.Registered', 'ledger:Incident.Corrected') THEN
                json_object('name', e.name, 'parent_id', (e.parent_id._data_)::UUID::VARCHAR,
                            'location', e.location._data_, 'period', e.period._data_, 'description', e.description)
       END,
       e.reason, (e.timestamp._data_)::TIMESTAMPTZ, e.entry._data_.analyst, e.entry._data_.via
FROM page
WHERE topic IN ('ledger:Claimant.Registered', 'ledger:Claimant.Corrected', 'ledger:Publisher.Registered',
                'ledger:Publisher.Corrected', 'ledger:Incident.Registered', 'ledger:Incident.Corrected',
                'ledger:Incident.Closed', 'ledger:Incident.Reopened');

-- name: series
-- topics: ledger:ClaimSeries.Opened
INSERT INTO series
SELECT aggregate_id, (e.incident_id._data_)::UUID::VARCHAR, (e.claimant_id._data_)::UUID::VARCHAR,
       e.victim_status, e.outcome, position, (e.timestamp._data_)::TIMESTAMPTZ
FROM page_opened;

-- name: figures
-- topics: ledger:ClaimSeries.FigureReported
INSERT INTO figures
SELECT (p.e.figure_id._data_)::UUID::VARCHAR, p.aggregate_id, s.incident_id, s.claimant_id,
       s.victim_status, s.outcome, p.e.role, to_json(p.e.quantity._data_),
       p.e.quantity._data_.text, p.e.quantity._data_.kind,
       (p.e.quantity._data_.low)::BIGINT, (p.e.quantity._data_.best)::BIGINT,
       (p.e.quantity._data_.high)::BIGINT, p.e.quantity._data_.vague_word, p.e.quantity._data_.vague_table,
       (p.e.publisher_id._data_)::UUID::VARCHAR, p.e.citation._data_.document_id,
       p.e.citation._data_.quote, (p.e.citation._data_.start)::INTEGER,
       (p.e.citation._data_.end)::INTEGER,
       (p.e.occurred._data_.start)::DATE, (p.e.occurred._data_.end)::DATE,
       p.e.occurred._data_.precision,
       (p.e.reported._data_.at)::TIMESTAMPTZ, p.e.reported._data_.precision,
       (p.e.reported._data_.estimated)::BOOLEAN,
       (p.e.subcounts._data_.women)::INTEGER, (p.e.subcounts._data_.children)::INTEGER,
       p.e.fingerprint, p.e.note, p.position, (p.e.timestamp._data_)::TIMESTAMPTZ,
       p.e.entry._data_.analyst, p.e.entry._data_.via,
       coalesce(p.e.stance, 'stated'), coalesce(p.e.stance_source, 'none'), p.e.derived,
       (p.e.part_of._data_)::UUID::VARCHAR, coalesce(p.e.citation._data_.part, 'body'),
       CASE p.e.reported._data_.precision WHEN 'year' THEN date_trunc('year', (p.e.reported._data_.at)::TIMESTAMPTZ) + INTERVAL 1 YEAR - INTERVAL 1 MICROSECOND
            WHEN 'month' THEN date_trunc('month', (p.e.reported._data_.at)::TIMESTAMPTZ) + INTERVAL 1 MONTH - INTERVAL 1 MICROSECOND
            WHEN 'week' THEN (p.e.reported._data_.at)::TIMESTAMPTZ + INTERVAL 7 DAY - INTERVAL 1 MICROSECOND ELSE (p.e.reported._data_.at)::TIMESTAMPTZ END,
       coalesce(p.e.carried_via, '[]'), p.e.attributed
FROM page_figures p JOIN series s ON s.series_id = p.aggregate_id;

-- name: later_carriers
-- topics: ledger:ClaimSeries.FigureCarried
INSERT INTO later_carriers
SELECT (e.figure_id._data_)::UUID::VARCHAR, aggregate_id, position,
       (e.publisher_id._data_)::UUID::VARCHAR, e.citation._data_.document_id, e.citation._data_.quote,
       (e.citation._data_.start)::INTEGER, (e.citation._data_.end)::INTEGER, coalesce(e.citation._data_.part, 'body'),
       e.words, (e.reported._data_.at)::TIMESTAMPTZ, e.reported._data_.precision,
       (e.reported._data_.estimated)::BOOLEAN,
       CASE e.reported._data_.precision WHEN 'year' THEN date_trunc('year', (e.reported._data_.at)::TIMESTAMPTZ) + INTERVAL 1 YEAR - INTERVAL 1 MICROSECOND
            WHEN 'month' THEN date_trunc('month', (e.reported._data_.at)::TIMESTAMPTZ) + INTERVAL 1 MONTH - INTERVAL 1 MICROSECOND
            WHEN 'week' THEN (e.reported._data_.at)::TIMESTAMPTZ + INTERVAL 7 DAY - INTERVAL 1 MICROSECOND ELSE (e.reported._data_.at)::TIMESTAMPTZ END,
       e.stance, e.stance_source, coalesce(e.carried_via, '[]'),
       e.fingerprint, e.note, (e.timestamp._data_)::TIMESTAMPTZ, e.entry._data_.analyst, e.entry._data_.via
FROM page WHERE topic = 'ledger:ClaimSeries.FigureCarried';

-- name: figure_events
-- topics: ledger:ClaimSeries.FigureWithdrawn ledger:ClaimSeries.FigureCorrected ledger:ClaimSeries.FigureStruck
INSERT INTO figure_events
SELECT position,
       CASE topic WHEN 'ledger:ClaimSeries.FigureWithdrawn' THEN 'withdrawn'
                  WHEN 'ledger:ClaimSeries.FigureCorrected' THEN 'corrected' ELSE 'struck' END,
       (e.figure_id._data_)::UUID::VARCHAR, aggregate_id, e.reason, e.correction._data_,
       (e.reported._data_.at)::TIMESTAMPTZ, e.citation._data_.document_id,
       e.citation._data_.quote, (e.timestamp._data_)::TIMESTAMPTZ,
       e.entry._data_.analyst, e.entry._data_.via,
       CASE e.reported._data_.precision WHEN 'year' THEN date_trunc('year', (e.reported._data_.at)::TIMESTAMPTZ) + INTERVAL 1 YEAR - INTERVAL 1 MICROSECOND
            WHEN 'month' THEN date_trunc('month', (e.reported._data_.at)::TIMESTAMPTZ) + INTERVAL 1 MONTH - INTERVAL 1 MICROSECOND
            WHEN 'week' THEN (e.reported._data_.at)::TIMESTAMPTZ + INTERVAL 7 DAY - INTERVAL 1 MICROSECOND ELSE (e.reported._data_.at)::TIMESTAMPTZ END
FROM page
WHERE topic IN ('ledger:ClaimSeries.FigureWithdrawn', 'ledger:ClaimSeries.FigureCorrected', 'ledger:ClaimSeries.FigureStruck');

-- name: facts
-- Every event of `page`. A carried statement names its publisher through a join: a subquery per event
-- made DuckDB group the page by its whole parsed struct (half of this statement's time).
INSERT INTO facts
SELECT p.position, topic, aggregate_id, aggregate_version, (e.timestamp._data_)::TIMESTAMPTZ,
       e.entry._data_.analyst, e.entry._data_.via,
       (e.figure_id._data_)::UUID::VARCHAR,
       CASE topic
         WHEN 'ledger:Claimant.Registered' THEN format('claimant {} registered: {} ({}, reliability {})',
              e.key, e.name, e.kind, e.reliability)
         WHEN 'ledger:Claimant.Graded' THEN format('claimant graded {}: {}', e.reliability, e.reason)
         WHEN 'ledger:Claimant.DefaultRolesSet' THEN format('claimant default roles set to {}: {}',
              e.default_roles, e.reason)
         WHEN 'ledger:Claimant.Corrected' THEN format('claimant corrected ({}): {}', concat_ws(', ',
              CASE WHEN e.name IS NOT NULL THEN 'name' END, CASE WHEN e.kind IS NOT NULL THEN 'kind' END,
              CASE WHEN e.default_roles IS NOT NULL THEN 'default roles' END,
              CASE WHEN e.description IS NOT NULL THEN 'description' END), e.reason)
         WHEN 'ledger:Publisher.Registered' THEN format('publisher {} registered: {}', e.key, e.name)
         WHEN 'ledger:Publisher.Corrected' THEN format('publisher corrected ({}): {}', concat_ws(', ',
              CASE WHEN e.name IS NOT NULL THEN 'name' END, CASE WHEN e.kind IS NOT NULL THEN 'kind' END,
              CASE WHEN e.url IS NOT NULL THEN 'url' END), e.reason)
         WHEN 'ledger:Document.RowsFlagged' THEN format('rows flagged: {} of the file as published', json_array_length(e.flags))
         WHEN 'ledger:Document.Archived' THEN format('document {} archived: {} sha256 {}', e.key,
              coalesce(e.title, e.url, ''), coalesce(e.sha256, '-'))
         WHEN 'ledger:Incident.Registered' THEN format('incident {} registered: {}', e.key, e.name)
         WHEN 'ledger:Incident.Corrected' THEN format('incident corrected ({}): {}', concat_ws(', ',
              CASE WHEN e.name IS NOT NULL THEN 'name' END, CASE WHEN e.parent_id IS NOT NULL THEN 'parent' END,
              CASE WHEN e.location IS NOT NULL THEN 'location' END, CASE WHEN e.period IS NOT NULL THEN 'period' END,
              CASE WHEN e.description IS NOT NULL THEN 'description' END), e.reason)
         WHEN 'ledger:Incident.Closed' THEN format('incident closed: {}', e.reason)
         WHEN 'ledger:Incident.Reopened' THEN format('incident reopened: {}', e.reason)
         WHEN 'ledger:ClaimSeries.FigureWithdrawn' THEN format('figure withdrawn: {}', e.reason)
         WHEN 'ledger:ClaimSeries.FigureCorrected' THEN format('figure corrected ({}): {}',
              array_to_string(list_filter(json_keys(e.correction._data_),
                  lambda k: json_type(e.correction._data_, k) <> 'NULL'), ', '), e.reason)
         WHEN 'ledger:ClaimSeries.FigureStruck' THEN format('figure struck: {}', e.reason)
         WHEN 'ledger:ClaimSeries.FigureCarried' THEN format('statement carried again by {}: ''{}''{}, reported {}',
              coalesce(carrier.name, 'no publisher'),
              e.words, CASE WHEN e.stance <> 'stated' THEN ' (' || e.stance || ')' ELSE '' END, e.reported._data_.at)
         WHEN 'ledger:Configuration.Initialised' THEN format('ledger configured: default policy {}', e.default_policy)
         WHEN 'ledger:Configuration.DefaultPolicySet' THEN format('default policy set to {}: {}', e.default_policy, e.reason)
         WHEN 'ledger:Reconciliation.Recorded' THEN format('reconciliation under {} at log position {}: {} errors, {} warnings, {} info',
              e.policy, e.log_position, e.severities.error, e.severities.warning, e.severities.info)
         WHEN 'ledger:ImportRun.Started' THEN format('import run {}-{} started: {} ({}, sha256 {})',
              left(e.sha256, 12), e.number, e.source, e.format, e.sha256)
         WHEN 'ledger:ImportRun.Resumed' THEN format('import run resumed by process {} on {}', e.pid, e.host)
         WHEN 'ledger:ImportRun.Completed' THEN 'import run completed'
         WHEN 'ledger:ImportRun.Aborted' THEN format('import run aborted: {}', e.reason)
         ELSE topic
       END
FROM page p LEFT JOIN publishers carrier ON carrier.publisher_id = (p.e.publisher_id._data_)::UUID::VARCHAR;

-- name: facts_opened
-- topics: ledger:ClaimSeries.Opened
INSERT INTO facts
SELECT position, topic, aggregate_id, aggregate_version, (e.timestamp._data_)::TIMESTAMPTZ,
       e.entry._data_.analyst, e.entry._data_.via, NULL,
       format('claim series opened: {} {}', e.victim_status, e.outcome)
FROM page_opened;

-- name: facts_figures
-- topics: ledger:ClaimSeries.FigureReported
INSERT INTO facts
SELECT position, topic, aggregate_id, aggregate_version, (e.timestamp._data_)::TIMESTAMPTZ,
       e.entry._data_.analyst, e.entry._data_.via, (e.figure_id._data_)::UUID::VARCHAR,
       format('figure reported: ''{}'' ({}), reported {}', e.quantity._data_.text, e.role, e.reported._data_.at)
       || CASE WHEN coalesce(e.stance, 'stated') <> 'stated' THEN format(', {}', e.stance) ELSE '' END
       || CASE WHEN e.derived IS NOT NULL THEN format(', derived: {}', e.derived) ELSE '' END
       || CASE WHEN e.part_of IS NOT NULL THEN ', part of a total' ELSE '' END
FROM page_figures;

-- name: reconciliations
-- topics: ledger:Reconciliation.Recorded
INSERT INTO reconciliations
SELECT aggregate_id, e.policy, e.policy_name, e.policy_version, e.log_position, e.readmodel_position,
       e.previous_position, e.inputs_digest, e.outputs_digest, e.severities.error, e.severities.warning,
       e.severities.info, e.findings, e.changes, e.options, e.entry._data_.analyst, e.entry._data_.via,
       position, (e.timestamp._data_)::TIMESTAMPTZ
FROM page WHERE topic = 'ledger:Reconciliation.Recorded';

-- name: configuration
-- topics: ledger:Configuration.Initialised ledger:Configuration.DefaultPolicySet
INSERT INTO configuration
SELECT position, e.default_policy, e.reason, (e.timestamp._data_)::TIMESTAMPTZ, e.entry._data_.analyst
FROM page WHERE topic IN ('ledger:Configuration.Initialised', 'ledger:Configuration.DefaultPolicySet');

-- The review queue (ledger/extract/review.py; tables from migration 040). Its facts' summaries
-- are set after `facts` has inserted every event of the page.

-- name: extractions
-- topics: ledger:Extraction.Ran
INSERT INTO extractions
SELECT aggregate_id, (e.document_id._data_)::UUID::VARCHAR, e.extractor, e.proposal_ids, e.unread,
       position, (e.timestamp._data_)::TIMESTAMPTZ, e.entry._data_.analyst
FROM page WHERE topic = 'ledger:Extraction.Ran';

-- name: proposals
-- topics: ledger:Proposal.Proposed
INSERT INTO proposals
SELECT aggregate_id, (e.document_id._data_)::UUID::VARCHAR, e.extractor, 'pending', e.proposed, e.proposed, 0,
       NULL, NULL, NULL, position, (e.timestamp._data_)::TIMESTAMPTZ, e.entry._data_.analyst, NULL, NULL, NULL
FROM page WHERE topic = 'ledger:Proposal.Proposed';

-- name: proposal_edits
-- topics: ledger:Proposal.Edited
UPDATE proposals SET proposed = latest.proposed, edits = proposals.edits + latest.edits
FROM (SELECT aggregate_id, arg_max(e.proposed, position) AS proposed, count(*) AS edits
      FROM page WHERE topic = 'ledger:Proposal.Edited' GROUP BY aggregate_id) AS latest
WHERE proposals.proposal_id = latest.aggregate_id;

-- name: proposal_reviews
-- topics: ledger:Proposal.Accepted ledger:Proposal.Rejected
UPDATE proposals SET state = r.state, figure_id = r.figure_id, recorded = r.recorded, reason = r.reason,
       reviewed_position = r.position, reviewed_at = r.recorded_at, reviewed_by = r.analyst
FROM (SELECT aggregate_id, CASE topic WHEN 'ledger:Proposal.Accepted' THEN 'accepted' ELSE 'rejected' END AS state,
             (e.figure_id._data_)::UUID::VARCHAR AS figure_id, e.recorded, e.reason, position,
             (e.timestamp._data_)::TIMESTAMPTZ AS recorded_at, e.entry._data_.analyst AS analyst
      FROM page WHERE topic IN ('ledger:Proposal.Accepted', 'ledger:Proposal.Rejected')) AS r
WHERE proposals.proposal_id = r.aggregate_id;

-- name: proposal_events
-- topics: ledger:Proposal.%
INSERT INTO proposal_events
SELECT position, aggregate_id, lower(replace(topic, 'ledger:Proposal.', '')), e.changes, e.reason,
       (e.figure_id._data_)::UUID::VARCHAR, (e.timestamp._data_)::TIMESTAMPTZ, e.entry._data_.analyst, e.entry._data_.via
FROM page WHERE topic LIKE 'ledger:Proposal.%';

-- name: facts_review
-- topics: ledger:Proposal.% ledger:Extraction.Ran
UPDATE facts SET summary = CASE p.topic
    WHEN 'ledger:Extraction.Ran' THEN format('document read by {}: {} figures proposed, {} sentences unread',
         p.e.extractor, json_array_length(p.e.proposal_ids), json_array_length(p.e.unread))
    WHEN 'ledger:Proposal.Proposed' THEN format('figure proposed by {}: ''{}'' {} {} ({}), claimant {}, incident {}',
         p.e.extractor, p.e.proposed->>'quantity', p.e.proposed->>'victim_status', p.e.proposed->>'outcome',
         p.e.proposed->>'stance', coalesce(p.e.proposed->>'claimant', 'unknown'), coalesce(p.e.proposed->>'incident', 'unknown'))
         || CASE WHEN json_array_length(p.e.proposed->'includes') > 0 THEN format(', including {}', array_to_string(
              list_transform(CAST(p.e.proposed->'includes' AS JSON[]), lambda x: (x->>'victim_status') || '=' || (x->>'quantity')), ', '))
            ELSE '' END
    WHEN 'ledger:Proposal.Edited' THEN format('proposal edited by the analyst: {}{}', array_to_string(list_transform(
         map_entries(CAST(p.e.changes AS MAP(VARCHAR, JSON))),
         lambda x: x.key || ' ' || coalesce(nullif(x.value->>0, ''), '-') || ' -> ' || coalesce(nullif(x.value->>1, ''), '-')), ', '),
         CASE WHEN coalesce(p.e.reason, '') <> '' THEN ' (' || p.e.reason || ')' ELSE '' END)
    WHEN 'ledger:Proposal.Accepted' THEN format('proposal accepted: recorded as figure {} ({})',
         (p.e.figure_id._data_)::UUID::VARCHAR, p.e.recorded)
    WHEN 'ledger:Proposal.Rejected' THEN format('proposal rejected: {}', p.e.reason)
    ELSE facts.summary END
FROM page p
WHERE facts.position = p.position AND (p.topic LIKE 'ledger:Proposal.%' OR p.topic = 'ledger:Extraction.Ran');

-- name: published_flags
-- topics: ledger:Document.RowsFlagged
INSERT INTO published_flags
SELECT p.aggregate_id, f ->> 'incident', (f ->> 'line')::INTEGER, f ->> 'kind', f ->> 'field', f ->> 'value',
       f ->> 'problem', p.position, (p.e.timestamp._data_)::TIMESTAMPTZ
FROM page p, unnest(from_json(p.e.flags, '["JSON"]')) AS t(f)
WHERE p.topic = 'ledger:Document.RowsFlagged';
-- Rows as UCDP and ACLED published them (ledger/domain/published.py; table from migration 060).

-- name: published_rows
-- topics: ledger:PublishedRow.Recorded
INSERT INTO published_rows
SELECT aggregate_id, e.key, (e.incident_id._data_)::UUID::VARCHAR, e.dataset, e.file, e.sha256, e.line, e.columns,
       position, (e.timestamp._data_)::TIMESTAMPTZ, e.entry._data_.analyst, e.entry._data_.via
FROM page WHERE topic = 'ledger:PublishedRow.Recorded';

-- name: facts_published_rows
-- topics: ledger:PublishedRow.Recorded
UPDATE facts SET summary = format('row as {} published it, from {} (sha256 {}), line {}: {} columns kept',
       p.e.dataset, p.e.file, left(p.e.sha256, 12), p.e.line, len(json_keys(p.e.columns)))
FROM page p
WHERE facts.position = p.position AND p.topic = 'ledger:PublishedRow.Recorded';

-- name: import_runs_started
-- topics: ledger:ImportRun.Started
-- Import runs (migration 057; ledger/readmodel/runs.py holds back what follows an unfinished one).
INSERT INTO import_runs
SELECT aggregate_id, left(e.sha256, 12) || '-' || e.number, e.sha256, e.number, e.format, e.source, e.expected,
       e.host, e.pid, 'started', position, (e.timestamp._data_)::TIMESTAMPTZ, e.entry._data_.analyst, NULL, NULL, NULL
FROM page WHERE topic = 'ledger:ImportRun.Started';

-- name: import_runs_resumed
-- topics: ledger:ImportRun.Resumed
UPDATE import_runs SET host = latest.host, pid = latest.pid
FROM (SELECT aggregate_id, arg_max(e.host, position) AS host, arg_max(e.pid, position) AS pid
      FROM page WHERE topic = 'ledger:ImportRun.Resumed' GROUP BY aggregate_id) AS latest
WHERE import_runs.run_id = latest.aggregate_id;

-- name: import_runs_ended
-- topics: ledger:ImportRun.Completed ledger:ImportRun.Aborted
UPDATE import_runs SET state = ended.state, ended_position = ended.position, ended_at = ended.at, reason = ended.reason
FROM (SELECT aggregate_id, CASE topic WHEN 'ledger:ImportRun.Completed' THEN 'completed' ELSE 'aborted' END AS state,
             position, (e.timestamp._data_)::TIMESTAMPTZ AS at, e.reason
      FROM page WHERE topic IN ('ledger:ImportRun.Completed', 'ledger:ImportRun.Aborted')) AS ended
WHERE import_runs.run_id = ended.aggregate_id;
