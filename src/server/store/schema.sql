-- Schema of the embedded server's SQLite database. Created on first start; every statement is
-- idempotent. Names and numbers match case-insensitively, as the service does.
CREATE TABLE IF NOT EXISTS users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name TEXT
);
CREATE TABLE IF NOT EXISTS stations (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL DEFAULT 0,
    metadata TEXT NOT NULL DEFAULT '{}',
    -- A station removed while runs name it is kept for them, hidden from the API.
    archived INTEGER NOT NULL DEFAULT 0
);
-- `key` is the key's SHA-256 (`sha256:…`), never the key; `prefix` its first characters.
CREATE TABLE IF NOT EXISTS api_keys (
    key TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('user', 'station')),
    principal_id TEXT NOT NULL,
    prefix TEXT NOT NULL DEFAULT ''
);
-- Keys of removed stations: a server started again with one refuses it (never hands it to
-- another station).
CREATE TABLE IF NOT EXISTS revoked_keys (
    key TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    principal_id TEXT NOT NULL,
    revoked_at INTEGER NOT NULL
);
-- What the API shows of a key is the start of its hash; databases that stored the key's first
-- characters lose them.
UPDATE api_keys SET prefix = substr(key, 1, 15) || '…' WHERE prefix NOT LIKE 'sha256:%';
CREATE TABLE IF NOT EXISTS procedures (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    created_at INTEGER NOT NULL,
    created_by_user_id TEXT
);
CREATE TABLE IF NOT EXISTS station_procedures (
    station_id TEXT NOT NULL,
    procedure_id TEXT NOT NULL,
    PRIMARY KEY (station_id, procedure_id)
);
CREATE TABLE IF NOT EXISTS procedure_versions (
    id TEXT PRIMARY KEY,
    procedure_id TEXT NOT NULL,
    tag TEXT NOT NULL COLLATE NOCASE,
    created_at INTEGER NOT NULL DEFAULT 0,
    created_by_user_id TEXT,
    created_by_station_id TEXT,
    UNIQUE (procedure_id, tag)
);
CREATE TABLE IF NOT EXISTS parts (
    id TEXT PRIMARY KEY,
    number TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name TEXT NOT NULL,
    default_revision_id TEXT,
    metadata TEXT NOT NULL DEFAULT '{}',
    created_at INTEGER NOT NULL DEFAULT 0,
    created_by_user_id TEXT,
    created_by_station_id TEXT
);
CREATE TABLE IF NOT EXISTS revisions (
    id TEXT PRIMARY KEY,
    part_id TEXT NOT NULL,
    number TEXT NOT NULL COLLATE NOCASE,
    metadata TEXT NOT NULL DEFAULT '{}',
    created_at INTEGER NOT NULL DEFAULT 0,
    created_by_user_id TEXT,
    created_by_station_id TEXT,
    UNIQUE (part_id, number)
);
CREATE TABLE IF NOT EXISTS batches (
    id TEXT PRIMARY KEY,
    number TEXT NOT NULL UNIQUE COLLATE NOCASE,
    created_at INTEGER NOT NULL DEFAULT 0,
    created_by_user_id TEXT,
    created_by_station_id TEXT
);
CREATE TABLE IF NOT EXISTS units (
    id TEXT PRIMARY KEY,
    serial_number TEXT NOT NULL UNIQUE COLLATE NOCASE,
    part_id TEXT NOT NULL,
    revision_id TEXT NOT NULL,
    batch_id TEXT,
    sample TEXT,
    metadata TEXT NOT NULL DEFAULT '{}',
    -- Added in schema version 3 (`upgrade` adds them to older databases).
    created_at INTEGER NOT NULL DEFAULT 0,
    created_by_user_id TEXT,
    created_by_station_id TEXT,
    created_run_seq INTEGER,
    parent_id TEXT,
    -- The unit's newest run (by start) and how many it has: list sorts and filters.
    last_run_seq INTEGER,
    last_run_at INTEGER,
    last_outcome TEXT,
    run_count INTEGER NOT NULL DEFAULT 0
);
-- One row per run. Filter and sort columns are copied here so a list page is one indexed scan.
CREATE TABLE IF NOT EXISTS runs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    -- A client's idempotency key: one per run among the runs a key may see (see create.rs).
    client_run_ref TEXT,
    client_run_digest TEXT,
    created_at INTEGER NOT NULL,
    started_at INTEGER NOT NULL,
    ended_at INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    procedure_id TEXT NOT NULL,
    version_id TEXT,
    unit_id TEXT NOT NULL,
    serial_number TEXT NOT NULL COLLATE NOCASE,
    part_id TEXT NOT NULL,
    part_number TEXT NOT NULL COLLATE NOCASE,
    revision_id TEXT NOT NULL,
    revision_number TEXT NOT NULL COLLATE NOCASE,
    batch_id TEXT,
    created_by_user_id TEXT,
    created_by_station_id TEXT,
    operated_by_user_id TEXT,
    operated_by_name TEXT,
    docstring TEXT,
    execution_id TEXT,
    slot_key TEXT,
    slot_name TEXT,
    metadata TEXT NOT NULL DEFAULT '{}'
);
-- The run's body, kept as the JSON the API returns so a GET splices it without re-parsing.
CREATE TABLE IF NOT EXISTS run_details (
    seq INTEGER PRIMARY KEY,
    phases TEXT NOT NULL,
    sequences TEXT NOT NULL,
    logs TEXT NOT NULL,
    sub_units TEXT NOT NULL,
    config TEXT NOT NULL,
    secrets TEXT NOT NULL
);
-- Metadata, one row per key, for the `metadata` filter.
CREATE TABLE IF NOT EXISTS run_metadata (
    seq INTEGER NOT NULL,
    key TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('string', 'number', 'boolean')),
    text_value TEXT,
    num_value REAL,
    PRIMARY KEY (seq, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS attachments (
    id TEXT PRIMARY KEY,
    run_seq INTEGER,
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER,
    token TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'uploaded', 'final')),
    created_at INTEGER NOT NULL,
    unit_id TEXT,
    -- The upload link's token is `token`; downloads use their own.
    download_token TEXT,
    created_by_user_id TEXT,
    created_by_station_id TEXT
);
CREATE TABLE IF NOT EXISTS attachment_data (
    id TEXT PRIMARY KEY,
    data BLOB NOT NULL
);
-- The cross-run tables (see rows.rs): one row per phase attempt, measurement and log line.
-- `procedure` is procedures.rowid and `started_at` the phase's start, copied so a page of one
-- procedure's rows in a time window is one index walk.
CREATE TABLE IF NOT EXISTS phases (
    id INTEGER PRIMARY KEY,
    run_seq INTEGER NOT NULL,
    procedure INTEGER NOT NULL,
    name TEXT NOT NULL COLLATE NOCASE,
    outcome TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    ended_at INTEGER NOT NULL,
    retry_count INTEGER NOT NULL,
    is_final INTEGER NOT NULL,
    sequence_path TEXT
);
CREATE TABLE IF NOT EXISTS validator_sets (
    id INTEGER PRIMARY KEY,
    body TEXT NOT NULL,
    digest INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS measurements (
    id INTEGER PRIMARY KEY,
    run_seq INTEGER NOT NULL,
    phase_id INTEGER NOT NULL,
    procedure INTEGER NOT NULL,
    phase_name TEXT NOT NULL COLLATE NOCASE,
    name TEXT NOT NULL COLLATE NOCASE,
    started_at INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    kind TEXT NOT NULL,
    num_value REAL,
    text_value TEXT,
    units TEXT,
    retry_count INTEGER NOT NULL,
    is_final INTEGER NOT NULL,
    validator_set INTEGER
);
CREATE TABLE IF NOT EXISTS logs (
    id INTEGER PRIMARY KEY,
    run_seq INTEGER NOT NULL,
    procedure INTEGER NOT NULL,
    level TEXT NOT NULL,
    at INTEGER NOT NULL,
    message TEXT NOT NULL,
    source_file TEXT NOT NULL,
    line_number INTEGER NOT NULL
);
-- Substring search over log messages: trigrams without a copy of the text (the rows have it);
-- a match is checked against the row's message.
CREATE VIRTUAL TABLE IF NOT EXISTS log_search USING fts5(text, tokenize = 'trigram', content = '', detail = 'none');
CREATE INDEX IF NOT EXISTS runs_started ON runs (started_at, seq);
CREATE INDEX IF NOT EXISTS runs_client_ref ON runs (client_run_ref) WHERE client_run_ref IS NOT NULL;
CREATE INDEX IF NOT EXISTS runs_created ON runs (created_at, started_at);
CREATE INDEX IF NOT EXISTS runs_ended ON runs (ended_at);
CREATE INDEX IF NOT EXISTS runs_duration ON runs (duration_ms, started_at);
CREATE INDEX IF NOT EXISTS runs_outcome ON runs (outcome, started_at);
CREATE INDEX IF NOT EXISTS runs_serial ON runs (serial_number, started_at);
CREATE INDEX IF NOT EXISTS runs_part ON runs (part_number, started_at);
CREATE INDEX IF NOT EXISTS runs_revision ON runs (revision_number, started_at);
CREATE INDEX IF NOT EXISTS runs_procedure ON runs (procedure_id, started_at);
CREATE INDEX IF NOT EXISTS runs_version ON runs (version_id, started_at);
CREATE INDEX IF NOT EXISTS runs_batch ON runs (batch_id, started_at);
CREATE INDEX IF NOT EXISTS runs_station ON runs (created_by_station_id, started_at);
CREATE INDEX IF NOT EXISTS runs_operator ON runs (operated_by_user_id, started_at);
CREATE INDEX IF NOT EXISTS runs_unit ON runs (unit_id, started_at);
CREATE INDEX IF NOT EXISTS run_metadata_text ON run_metadata (key, text_value);
CREATE INDEX IF NOT EXISTS run_metadata_num ON run_metadata (key, num_value);
CREATE INDEX IF NOT EXISTS attachments_run ON attachments (run_seq);
CREATE INDEX IF NOT EXISTS units_part ON units (part_id);
CREATE INDEX IF NOT EXISTS units_parent ON units (parent_id);
CREATE INDEX IF NOT EXISTS units_created ON units (created_at);
CREATE INDEX IF NOT EXISTS units_last_run ON units (last_run_at);
CREATE INDEX IF NOT EXISTS units_last_outcome ON units (last_outcome, created_at);
CREATE INDEX IF NOT EXISTS units_batch ON units (batch_id);
CREATE INDEX IF NOT EXISTS attachments_unit ON attachments (unit_id);
CREATE INDEX IF NOT EXISTS batches_created ON batches (created_at);
CREATE INDEX IF NOT EXISTS parts_created ON parts (created_at);
CREATE INDEX IF NOT EXISTS validator_sets_digest ON validator_sets (digest);
CREATE INDEX IF NOT EXISTS phases_procedure ON phases (procedure, started_at);
CREATE INDEX IF NOT EXISTS phases_outcome ON phases (procedure, outcome, started_at);
CREATE INDEX IF NOT EXISTS phases_run ON phases (run_seq);
-- Failing phases only, for the same reason as measurements_failing below.
CREATE INDEX IF NOT EXISTS phases_failing ON phases (procedure, started_at) WHERE outcome IN ('FAIL','ERROR');
CREATE INDEX IF NOT EXISTS measurements_name ON measurements (procedure, name, started_at);
CREATE INDEX IF NOT EXISTS measurements_procedure ON measurements (procedure, started_at);
CREATE INDEX IF NOT EXISTS measurements_run ON measurements (run_seq);
-- Failing measurements only (a few per cent of them): the Pareto lists a procedure's failures
-- over a time window without reading every measurement in it.
CREATE INDEX IF NOT EXISTS measurements_failing ON measurements (procedure, started_at) WHERE outcome = 'FAIL';
CREATE INDEX IF NOT EXISTS logs_procedure ON logs (procedure, at);
CREATE INDEX IF NOT EXISTS logs_at ON logs (at);
CREATE INDEX IF NOT EXISTS logs_run ON logs (run_seq);
-- Substring search over run id and serial (`search_query`): trigrams make `LIKE '%…%'` indexed.
CREATE VIRTUAL TABLE IF NOT EXISTS run_search USING fts5(text, tokenize = 'trigram');
-- Substring search over unit serials; the units table holds the text to check matches against.
CREATE VIRTUAL TABLE IF NOT EXISTS unit_search USING fts5(text, tokenize = 'trigram', content = '', detail = 'none');
