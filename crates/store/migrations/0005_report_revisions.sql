-- Ratings confirmed or changed after a report was stored (copilot-report `rerate`).
--
-- A report row now has a revision (1 as first written) and the time of its last change. The
-- outbox gets its own idempotency key per row: the report id for what a report was first
-- queued with, `<report id>.r<revision>` for a revision whose earlier bytes an HR system may
-- already hold. A delivered row stays as the record of what was delivered; the revision is a
-- new row beside it. SQLite cannot change a primary key in place, so the outbox is rebuilt.

ALTER TABLE reports ADD COLUMN revision INTEGER NOT NULL DEFAULT 1 CHECK (revision >= 1);
ALTER TABLE reports ADD COLUMN updated_at TEXT;

CREATE TABLE outbox_new (
    -- The idempotency key and external id the HR system sees.
    idempotency_key TEXT NOT NULL,
    report_id       TEXT NOT NULL REFERENCES reports (id) ON DELETE RESTRICT,
    connector_id    TEXT NOT NULL REFERENCES connectors (id) ON DELETE RESTRICT,
    -- The report revision the payload holds.
    revision        INTEGER NOT NULL DEFAULT 1 CHECK (revision >= 1),
    payload         BLOB NOT NULL,
    payload_sha256  TEXT NOT NULL CHECK (length(payload_sha256) = 64),
    target          TEXT CHECK (target IS NULL OR json_valid(target)),
    state           TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'delivered', 'dead', 'paused')),
    attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at TEXT NOT NULL,
    not_before      TEXT,
    lease_until     TEXT,
    last_attempt_at TEXT,
    last_status     INTEGER,
    last_error      TEXT,
    external_ref    TEXT,
    delivered_at    TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (idempotency_key, connector_id)
) STRICT;

INSERT INTO outbox_new (idempotency_key, report_id, connector_id, revision, payload,
    payload_sha256, target, state, attempts, next_attempt_at, not_before, lease_until,
    last_attempt_at, last_status, last_error, external_ref, delivered_at, created_at, updated_at)
SELECT report_id, report_id, connector_id, 1, payload, payload_sha256, target, state, attempts,
    next_attempt_at, not_before, lease_until, last_attempt_at, last_status, last_error,
    external_ref, delivered_at, created_at, updated_at
FROM outbox;

DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;

CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
CREATE INDEX outbox_by_connector ON outbox (connector_id, state);
CREATE INDEX outbox_by_report ON outbox (report_id, connector_id, revision);
