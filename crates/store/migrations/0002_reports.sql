-- Finished interview reports, as the JSON the report crate writes (schemas/report.schema.json).
CREATE TABLE reports (
    id           TEXT PRIMARY KEY NOT NULL,
    interview_id TEXT NOT NULL REFERENCES interviews (id) ON DELETE RESTRICT,
    created_at   TEXT NOT NULL,
    report_json  TEXT NOT NULL CHECK (json_valid(report_json))
) STRICT;

CREATE INDEX reports_by_interview ON reports (interview_id, created_at);
