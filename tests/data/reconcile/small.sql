-- it_findings.sh: a small database, loaded with the sqlite3 shell into a
-- store that rollcall created (schema). Names and addresses are invented.
BEGIN;
INSERT INTO snapshots (id, source, kind, origin, started_at, finished_at, status)
VALUES (1, 'hr', 'hr', 'hr.csv', '2026-11-30T08:00:00Z', '2026-11-30T08:00:01Z', 'ok'),
       (2, 'matrix', 'matrix', 'matrix.csv', '2026-11-30T08:00:00Z', '2026-11-30T08:00:01Z', 'ok'),
       (3, 'exceptions', 'exceptions', 'exc.csv', '2026-11-30T08:00:00Z', '2026-11-30T08:00:01Z', 'ok'),
       (4, 'okta', 'csv', 'okta.csv', '2026-11-30T08:00:00Z', '2026-11-30T08:00:01Z', 'ok'),
       (5, 'wiki', 'csv', 'wiki.csv', '2026-11-30T08:00:00Z', '2026-11-30T08:00:01Z', 'ok');

INSERT INTO people (snapshot_id, employee_id, email, status, status_class,
    termination_date, department, title, job_code)
VALUES (1, 'E1', 'ada.moss@example.com', 'Active', 'active', NULL, 'Engineering', 'Engineer', 'J1'),
       (1, 'E2', 'ben.ortiz@example.com', 'Terminated', 'terminated', '2026-11-01', 'Sales', 'Rep', 'J2'),
       (1, 'E3', 'cleo.park@example.com', 'Active', 'active', '2026-12-05', 'Engineering', 'Engineer', 'J1');

INSERT INTO matrix_rules (snapshot_id, line, department, title, job_code, source, entitlement, privileged)
VALUES (2, 2, 'Engineering', '*', NULL, 'okta', 'member', 0),
       (2, 3, '*', 'Staff*', NULL, 'okta', 'admin', 1);

INSERT INTO exceptions (snapshot_id, line, kind, source, login, entitlement, reason, approved_by, expires)
VALUES (3, 2, 'no_mfa', 'okta', 'ada.moss@example.com', NULL, 'token on order', 'E9', '2026-12-31');

INSERT INTO accounts (id, snapshot_id, source, native_id, key, login, email, status, active, mfa, last_login)
VALUES (1, 4, 'okta', '00u1', '00u1', 'ada.moss@example.com', 'ada.moss@example.com', 'ACTIVE', 1, 'not_enrolled', '2026-11-28'),
       (2, 4, 'okta', '00u2', '00u2', 'ben.ortiz@example.com', 'Ben.Ortiz@EXAMPLE.IO', 'ACTIVE', 1, 'enrolled', '2026-10-30'),
       (3, 4, 'okta', '00u3', '00u3', 'ghost@example.com', 'ghost@example.com', 'ACTIVE', 1, 'enrolled', '2026-11-20'),
       (4, 4, 'okta', '00u4', '00u4', 'guest@partner.test', 'guest@partner.test', 'ACTIVE', 1, 'enrolled', '2026-11-20'),
       (5, 4, 'okta', '00u5', '00u5', 'cleo.park@example.com', 'cleo.park@example.com', 'ACTIVE', 1, 'enrolled', '2026-11-25'),
       (6, 5, 'wiki', 'w1', 'w1', 'ben', 'ben.ortiz@example.com', 'active', 1, 'unknown', NULL),
       (7, 5, 'wiki', 'w2', 'w2', '=cmd|calc', '=cmd@example.com', 'active', 1, 'unknown', NULL);

INSERT INTO entitlements (id, snapshot_id, source, native_id, key, name, privileged)
VALUES (1, 4, 'okta', 'g1', 'g1', 'member', 0),
       (2, 4, 'okta', 'g2', 'g2', 'deploy', 0),
       (3, 4, 'okta', 'g3', 'g3', 'admin', 1);

INSERT INTO grants (snapshot_id, account_id, entitlement_id, direct, path)
VALUES (4, 1, 1, 1, NULL),
       (4, 1, 2, 1, NULL),
       (4, 2, 3, 0, 'admin <- ops <- ben.ortiz@example.com'),
       (4, 5, 1, 1, NULL);
COMMIT;
