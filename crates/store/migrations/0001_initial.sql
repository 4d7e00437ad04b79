-- Interview Copilot schema, version 1.
-- Timestamps are UTC RFC 3339 text with nine fraction digits ("2026-11-22T04:21:25.000000000Z"),
-- so text order is time order. JSON columns hold copilot-domain types serialised with serde.

-- Facts about the database itself (e.g. that the bundled job library was seeded).
CREATE TABLE meta (
    key        TEXT PRIMARY KEY NOT NULL,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

-- User settings, one text value per key.
CREATE TABLE settings (
    key        TEXT PRIMARY KEY NOT NULL,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

-- A job: the stable identity that model versions belong to.
CREATE TABLE jobs (
    id         TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

-- Every saved content of a job's competency model and bank. Rows are never updated or deleted:
-- interviews point at the version they were planned with.
CREATE TABLE model_versions (
    id               INTEGER PRIMARY KEY,
    job_id           TEXT NOT NULL REFERENCES jobs (id) ON DELETE RESTRICT,
    version          INTEGER NOT NULL CHECK (version >= 1),
    content_hash     TEXT NOT NULL CHECK (length(content_hash) = 64),
    -- Copied out of the definition for the job list.
    title_en         TEXT NOT NULL,
    title_zh         TEXT NOT NULL,
    competency_count INTEGER NOT NULL CHECK (competency_count >= 0),
    question_count   INTEGER NOT NULL CHECK (question_count >= 0),
    definition       TEXT NOT NULL CHECK (json_valid(definition)),
    created_at       TEXT NOT NULL,
    UNIQUE (job_id, version)
) STRICT;

-- The candidate directory: the latest known details of each candidate.
CREATE TABLE candidates (
    id          TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL,
    contact     TEXT NOT NULL DEFAULT '',
    resume_text TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;

-- An interview, pinned to the model version and the candidate details it was planned with.
CREATE TABLE interviews (
    id            TEXT PRIMARY KEY NOT NULL,
    job_id        TEXT NOT NULL,
    model_version INTEGER NOT NULL,
    candidate_id  TEXT NOT NULL REFERENCES candidates (id) ON DELETE RESTRICT,
    -- The candidate (with résumé text) as planned; the directory row may change later.
    candidate     TEXT NOT NULL CHECK (json_valid(candidate)),
    interviewers  TEXT NOT NULL CHECK (json_valid(interviewers) AND json_type(interviewers) = 'array'),
    language      TEXT NOT NULL CHECK (language IN ('en', 'zh')),
    status        TEXT NOT NULL CHECK (status IN ('planned', 'in_progress', 'completed', 'cancelled')),
    plan          TEXT NOT NULL CHECK (json_valid(plan)),
    created_at    TEXT NOT NULL,
    scheduled_at  TEXT,
    started_at    TEXT,
    ended_at      TEXT,
    updated_at    TEXT NOT NULL,
    FOREIGN KEY (job_id, model_version) REFERENCES model_versions (job_id, version) ON DELETE RESTRICT
) STRICT;

CREATE INDEX interviews_newest_first ON interviews (created_at DESC, id DESC);
CREATE INDEX interviews_by_model_version ON interviews (job_id, model_version);
CREATE INDEX interviews_by_candidate ON interviews (candidate_id);
