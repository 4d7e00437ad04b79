-- Consent and the jurisdiction policy (copilot-consent).
--
-- One row per decision a candidate made about one purpose of one interview: what notice they saw
-- (version and sha256 of its text, language), when, how, and who recorded it. Rows are never
-- deleted; a refusal is a row with granted = 0, and a withdrawal sets `withdrawn_at` on the row it
-- withdraws (it takes effect at that time). The latest row of a purpose is the one in force.
CREATE TABLE consents (
    id                INTEGER PRIMARY KEY,
    interview_id      TEXT NOT NULL REFERENCES interviews (id) ON DELETE RESTRICT,
    purpose           TEXT NOT NULL CHECK (purpose IN
                          ('recording', 'transcription', 'presence_cues', 'expression_cues', 'transfer_to_hr')),
    granted           INTEGER NOT NULL CHECK (granted IN (0, 1)),
    notice_version    TEXT NOT NULL CHECK (length(trim(notice_version)) > 0),
    notice_sha256     TEXT NOT NULL CHECK (length(notice_sha256) = 64),
    -- BCP 47 tag of the notice's language ("en", "zh-CN").
    language          TEXT NOT NULL CHECK (length(trim(language)) > 0),
    given_at          TEXT NOT NULL,
    method            TEXT NOT NULL CHECK (method IN ('checkbox', 'verbal', 'written', 'bundled')),
    interviewer       TEXT NOT NULL CHECK (length(trim(interviewer)) > 0),
    -- The notice explained how the AI analysis works (Illinois AI Video Interview Act).
    explanation_shown INTEGER NOT NULL CHECK (explanation_shown IN (0, 1)),
    withdrawn_at      TEXT,
    created_at        TEXT NOT NULL,
    CHECK (withdrawn_at IS NULL OR granted = 1)
) STRICT;

CREATE INDEX consents_by_interview ON consents (interview_id, purpose, given_at);

-- The deployment's policy profile is the setting `policy_profile` (absent: not configured yet).
-- Only the profiles the app knows may be stored.
CREATE TRIGGER policy_profile_insert BEFORE INSERT ON settings
WHEN NEW.key = 'policy_profile' AND NEW.value NOT IN ('eu', 'mainland_china', 'illinois', 'default')
BEGIN
    SELECT RAISE(ABORT, 'unknown policy profile');
END;

CREATE TRIGGER policy_profile_update BEFORE UPDATE ON settings
WHEN NEW.key = 'policy_profile' AND NEW.value NOT IN ('eu', 'mainland_china', 'illinois', 'default')
BEGIN
    SELECT RAISE(ABORT, 'unknown policy profile');
END;
