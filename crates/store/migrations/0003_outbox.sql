-- Sync with HR systems: the connectors an admin configured, the outbox of finished reports
-- waiting to be delivered to each of them, and the interviews the connectors assigned to this
-- interviewer. Secrets (tokens, app secrets, API keys) are never stored here: they live in the
-- OS keychain, keyed by the connector id.

-- An HR system connection. `config` holds only non-secret settings (URLs, ids, options).
CREATE TABLE connectors (
    id            TEXT PRIMARY KEY NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('rest', 'feishu', 'greenhouse')),
    name          TEXT NOT NULL,
    config        TEXT NOT NULL CHECK (json_valid(config)),
    -- 'paused' after the HR system answered 401/403: the user must sign in again.
    state         TEXT NOT NULL CHECK (state IN ('active', 'paused')),
    paused_reason TEXT,
    -- The last time the sender checked that the HR system answers (for resuming after outages).
    last_probe_at TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
) STRICT;

-- One row per (report, connector): written in the same transaction as the report itself.
-- `report_id` is also the idempotency key and the external id the HR system sees; `payload` is
-- the exact report snapshot, sent byte for byte on every attempt.
CREATE TABLE outbox (
    report_id       TEXT NOT NULL REFERENCES reports (id) ON DELETE RESTRICT,
    connector_id    TEXT NOT NULL REFERENCES connectors (id) ON DELETE RESTRICT,
    payload         BLOB NOT NULL,
    payload_sha256  TEXT NOT NULL CHECK (length(payload_sha256) = 64),
    -- Where the report goes in the HR system (candidate/application ids), from the assigned
    -- interview it was run for; NULL for interviews created locally.
    target          TEXT CHECK (target IS NULL OR json_valid(target)),
    state           TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'delivered', 'dead', 'paused')),
    attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    -- When the next attempt is due (backoff with jitter, never before `not_before`).
    next_attempt_at TEXT NOT NULL,
    -- The server's Retry-After: no attempt before this time, whatever else happens.
    not_before      TEXT,
    -- While 'sending': a sender that died leaves the row, which becomes due again after this.
    lease_until     TEXT,
    last_attempt_at TEXT,
    last_status     INTEGER,
    last_error      TEXT,
    -- The HR system's id for what it created (note id, assessment id...).
    external_ref    TEXT,
    delivered_at    TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (report_id, connector_id)
) STRICT;

CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
CREATE INDEX outbox_by_connector ON outbox (connector_id, state);

-- Interviews the HR system assigned to this interviewer, pulled so they can be run offline.
CREATE TABLE assigned_interviews (
    connector_id    TEXT NOT NULL REFERENCES connectors (id) ON DELETE RESTRICT,
    external_id     TEXT NOT NULL,
    candidate_name  TEXT NOT NULL,
    candidate_email TEXT NOT NULL DEFAULT '',
    job_title       TEXT NOT NULL DEFAULT '',
    resume_text     TEXT NOT NULL DEFAULT '',
    scheduled_at    TEXT,
    -- Connector-specific ids the report is sent to later (JSON).
    target          TEXT NOT NULL CHECK (json_valid(target)),
    -- The local interview run for it, once one was created.
    interview_id    TEXT REFERENCES interviews (id) ON DELETE RESTRICT,
    pulled_at       TEXT NOT NULL,
    PRIMARY KEY (connector_id, external_id)
) STRICT;

CREATE INDEX assigned_by_interview ON assigned_interviews (interview_id);
