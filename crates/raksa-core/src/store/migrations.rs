//! Versioned, forward-only schema migrations. The version is SQLite's `user_version`.
//! Each migration runs in its own transaction; a migration is never edited once released —
//! a change is a new entry at the end.

use rusqlite::Connection;

use crate::error::{CoreError, Result};

pub struct Migration {
    pub version: u32,
    pub name: &'static str,
    pub sql: &'static str,
}

pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "office, users, people, cases, audit",
        sql: r#"
CREATE TABLE office (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    address      TEXT NOT NULL,
    letter_code  TEXT NOT NULL,
    phone        TEXT NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE TABLE users (
    id           TEXT PRIMARY KEY,
    username     TEXT NOT NULL UNIQUE COLLATE NOCASE,
    full_name    TEXT NOT NULL,
    position     TEXT NOT NULL,
    role         TEXT NOT NULL CHECK (role IN ('case_worker', 'supervisor', 'admin')),
    active       INTEGER NOT NULL DEFAULT 1,
    created_at   TEXT NOT NULL,
    created_by   TEXT REFERENCES users(id),
    password_changed_at TEXT NOT NULL
);
CREATE TABLE people (
    id            TEXT PRIMARY KEY,
    title         TEXT NOT NULL,
    first_name    TEXT NOT NULL,
    last_name     TEXT NOT NULL,
    id_kind       TEXT NOT NULL CHECK (id_kind IN ('citizen_id', 'g_code', 'no_id')),
    id_number     TEXT,
    no_id_reason  TEXT,
    birth_date    TEXT,
    sex           TEXT NOT NULL CHECK (sex IN ('male', 'female', 'unspecified')),
    phone         TEXT NOT NULL DEFAULT '',
    address_text  TEXT NOT NULL DEFAULT '',
    created_by    TEXT NOT NULL REFERENCES users(id),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    CHECK ((id_kind = 'no_id') = (id_number IS NULL)),
    CHECK ((id_kind = 'no_id') = (no_id_reason IS NOT NULL))
);
CREATE UNIQUE INDEX people_id_number ON people(id_number) WHERE id_number IS NOT NULL;
CREATE TABLE cases (
    id           TEXT PRIMARY KEY,
    case_no      TEXT NOT NULL UNIQUE,
    person_id    TEXT NOT NULL REFERENCES people(id),
    channel      TEXT NOT NULL,
    intake_date  TEXT NOT NULL,
    summary      TEXT NOT NULL,
    status       TEXT NOT NULL,
    assigned_to  TEXT REFERENCES users(id),
    created_by   TEXT NOT NULL REFERENCES users(id),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX cases_person ON cases(person_id);
CREATE TABLE case_number_seq (
    be_year  INTEGER PRIMARY KEY,
    last_no  INTEGER NOT NULL
);
CREATE TABLE audit_log (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    at         TEXT NOT NULL,
    user_id    TEXT,
    action     TEXT NOT NULL,
    entity     TEXT NOT NULL,
    entity_id  TEXT,
    detail     TEXT NOT NULL DEFAULT ''
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
"#,
    },
    Migration {
        version: 2,
        name: "settings; audit look-ups by record",
        sql: r#"
CREATE TABLE settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
INSERT INTO settings (key, value) VALUES ('idle_lock_minutes', '10');
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id);
CREATE INDEX people_names ON people(first_name, last_name);
"#,
    },
    Migration {
        version: 3,
        name: "case lifecycle, intake details, case timeline, deadline rules",
        sql: r#"
ALTER TABLE cases ADD COLUMN urgency TEXT NOT NULL DEFAULT 'normal'
    CHECK (urgency IN ('urgent', 'high', 'normal'));
ALTER TABLE cases ADD COLUMN target_groups TEXT NOT NULL DEFAULT '[]';
ALTER TABLE cases ADD COLUMN problem_domains TEXT NOT NULL DEFAULT '[]';
ALTER TABLE cases ADD COLUMN reporter TEXT;
ALTER TABLE cases ADD COLUMN account TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN stage_since TEXT;
ALTER TABLE cases ADD COLUMN pending_approval TEXT CHECK (pending_approval IN ('plan', 'closure'));
ALTER TABLE cases ADD COLUMN pending_request TEXT;
ALTER TABLE cases ADD COLUMN outcome TEXT;
UPDATE cases SET status = 'intake' WHERE status = 'open';
UPDATE cases SET stage_since = intake_date;
CREATE INDEX cases_assigned ON cases(assigned_to, status);

-- Everything that happens to a case, append-only. Corrections are new rows that point at
-- the row they correct.
CREATE TABLE case_events (
    id        TEXT PRIMARY KEY,
    case_id   TEXT NOT NULL REFERENCES cases(id),
    at        TEXT NOT NULL,
    user_id   TEXT NOT NULL REFERENCES users(id),
    kind      TEXT NOT NULL,
    body      TEXT NOT NULL,
    corrects  TEXT REFERENCES case_events(id)
);
CREATE INDEX case_events_case ON case_events(case_id, at);
CREATE TRIGGER case_events_no_update BEFORE UPDATE ON case_events
BEGIN SELECT RAISE(ABORT, 'case events are append-only'); END;
CREATE TRIGGER case_events_no_delete BEFORE DELETE ON case_events
BEGIN SELECT RAISE(ABORT, 'case events are append-only'); END;
INSERT INTO case_events (id, case_id, at, user_id, kind, body)
    SELECT 'opened-' || id, id, created_at, created_by, 'opened',
           json_object('kind', 'opened', 'channel', channel)
    FROM cases;

CREATE TABLE deadline_rules (
    milestone       TEXT NOT NULL,
    urgency         TEXT NOT NULL,
    days            INTEGER NOT NULL CHECK (days BETWEEN 1 AND 366),
    effective_from  TEXT NOT NULL,
    reference       TEXT NOT NULL DEFAULT '',
    created_by      TEXT REFERENCES users(id),
    created_at      TEXT NOT NULL,
    PRIMARY KEY (milestone, urgency, effective_from)
);
"#,
    },
    Migration {
        version: 4,
        name: "fast case search (trigram index) and newest-first listing",
        sql: r#"
CREATE INDEX cases_recent ON cases(intake_date, case_no);
-- Substring search over the client's name, ID and the case number. Lives inside the
-- encrypted database like everything else; kept current by the triggers below.
CREATE VIRTUAL TABLE case_search USING fts5(case_id UNINDEXED, text, tokenize = 'trigram');
INSERT INTO case_search (case_id, text)
    SELECT c.id, p.title || p.first_name || ' ' || p.last_name || ' ' || ifnull(p.id_number, '')
                 || ' ' || c.case_no
    FROM cases c JOIN people p ON p.id = c.person_id;
CREATE TRIGGER case_search_insert AFTER INSERT ON cases
BEGIN
    INSERT INTO case_search (case_id, text)
        SELECT new.id, p.title || p.first_name || ' ' || p.last_name || ' '
                       || ifnull(p.id_number, '') || ' ' || new.case_no
        FROM people p WHERE p.id = new.person_id;
END;
CREATE TRIGGER case_search_person AFTER UPDATE OF title, first_name, last_name, id_number ON people
BEGIN
    DELETE FROM case_search WHERE case_id IN (SELECT id FROM cases WHERE person_id = new.id);
    INSERT INTO case_search (case_id, text)
        SELECT c.id, new.title || new.first_name || ' ' || new.last_name || ' '
                     || ifnull(new.id_number, '') || ' ' || c.case_no
        FROM cases c WHERE c.person_id = new.id;
END;
"#,
    },
    Migration {
        version: 5,
        name: "official sub-district code and postcode on a person's address",
        sql: r#"
ALTER TABLE people ADD COLUMN subdistrict_code TEXT;
ALTER TABLE people ADD COLUMN postcode TEXT;
"#,
    },
    Migration {
        version: 6,
        name: "fact-finding forms as versioned data, attachments, households, care plans",
        sql: r#"
-- Every form definition ever installed stays: a filled form points at the version it used.
CREATE TABLE form_definitions (
    form_id       TEXT NOT NULL,
    version       INTEGER NOT NULL,
    definition    TEXT NOT NULL,
    installed_at  TEXT NOT NULL,
    installed_by  TEXT REFERENCES users(id),
    PRIMARY KEY (form_id, version)
);
-- One fact-finding form per case, saved as a draft on every change (autosave).
CREATE TABLE fact_findings (
    case_id       TEXT PRIMARY KEY REFERENCES cases(id),
    form_id       TEXT NOT NULL,
    form_version  INTEGER NOT NULL,
    answers       TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('draft', 'submitted')),
    revision      INTEGER NOT NULL,
    updated_at    TEXT NOT NULL,
    updated_by    TEXT NOT NULL REFERENCES users(id),
    submitted_at  TEXT,
    submitted_by  TEXT REFERENCES users(id),
    FOREIGN KEY (form_id, form_version) REFERENCES form_definitions(form_id, version)
);
-- Photos and documents, inside the encrypted database (never plain files on disk).
-- Removing one drops its bytes and keeps the record of what it was.
CREATE TABLE attachments (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases(id),
    field_key   TEXT NOT NULL,
    file_name   TEXT NOT NULL,
    media_type  TEXT NOT NULL,
    size        INTEGER NOT NULL,
    sha256      TEXT NOT NULL,
    data        BLOB,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL REFERENCES users(id),
    removed_at  TEXT,
    removed_by  TEXT REFERENCES users(id),
    CHECK ((removed_at IS NULL) = (data IS NOT NULL))
);
CREATE INDEX attachments_case ON attachments(case_id, field_key);

-- The family handbook: a household and the history of who belonged to it.
CREATE TABLE households (
    id          TEXT PRIMARY KEY,
    house_code  TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL REFERENCES users(id)
);
CREATE TABLE household_members (
    id            TEXT PRIMARY KEY,
    household_id  TEXT NOT NULL REFERENCES households(id),
    person_id     TEXT NOT NULL REFERENCES people(id),
    relationship  TEXT NOT NULL,
    joined_on     TEXT NOT NULL,
    ended_on      TEXT,
    end_reason    TEXT CHECK (end_reason IN ('left', 'died')),
    recorded_at   TEXT NOT NULL,
    recorded_by   TEXT NOT NULL REFERENCES users(id),
    CHECK ((ended_on IS NULL) = (end_reason IS NULL))
);
-- One current household per person; one current head per household.
CREATE UNIQUE INDEX household_current_member ON household_members(person_id)
    WHERE ended_on IS NULL;
CREATE UNIQUE INDEX household_current_head ON household_members(household_id)
    WHERE ended_on IS NULL AND relationship = 'head';
CREATE INDEX household_members_household ON household_members(household_id);
-- A case may concern the client's whole household.
ALTER TABLE cases ADD COLUMN household_id TEXT REFERENCES households(id);

-- Individual care plan and household quality-of-life development plan items of a case.
CREATE TABLE plan_items (
    id           TEXT PRIMARY KEY,
    case_id      TEXT NOT NULL REFERENCES cases(id),
    plan         TEXT NOT NULL CHECK (plan IN ('individual', 'household')),
    goal         TEXT NOT NULL,
    activity     TEXT NOT NULL,
    responsible  TEXT NOT NULL,
    due_on       TEXT NOT NULL,
    review_on    TEXT,
    status       TEXT NOT NULL CHECK (status IN ('planned', 'in_progress', 'done', 'dropped')),
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL REFERENCES users(id),
    updated_at   TEXT NOT NULL
);
CREATE INDEX plan_items_case ON plan_items(case_id, due_on);
"#,
    },
    Migration {
        version: 7,
        name: "numbering blocks per PC; agencies, referrals, letter register, letter templates",
        sql: r#"
-- This PC's block of numbers per series. Two PCs of one office get disjoint blocks, so they
-- can never issue the same case or letter number, even offline. Numbering restarts each
-- Buddhist-Era year inside the block.
CREATE TABLE number_blocks (
    series    TEXT PRIMARY KEY CHECK (series IN ('case', 'letter')),
    first_no  INTEGER NOT NULL CHECK (first_no >= 1),
    last_no   INTEGER NOT NULL,
    set_at    TEXT NOT NULL,
    set_by    TEXT REFERENCES users(id),
    CHECK (last_no >= first_no)
);
INSERT INTO number_blocks (series, first_no, last_no, set_at)
    VALUES ('case', 1, 999999, datetime('now')), ('letter', 1, 99999, datetime('now'));
CREATE TABLE number_seq (
    series       TEXT NOT NULL,
    be_year      INTEGER NOT NULL,
    block_first  INTEGER NOT NULL,
    last_no      INTEGER NOT NULL,
    PRIMARY KEY (series, be_year, block_first)
);
INSERT INTO number_seq (series, be_year, block_first, last_no)
    SELECT 'case', be_year, 1, last_no FROM case_number_seq;
DROP TABLE case_number_seq;

-- The directory of agencies a case can be referred to.
CREATE TABLE agencies (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    head_position  TEXT NOT NULL,
    address        TEXT NOT NULL DEFAULT '',
    phone          TEXT NOT NULL DEFAULT '',
    email          TEXT NOT NULL DEFAULT '',
    kind           TEXT NOT NULL CHECK (kind IN ('msdhs', 'outside')),
    runs_raksa     INTEGER NOT NULL DEFAULT 0,
    raksa_office   TEXT NOT NULL DEFAULT '',
    active         INTEGER NOT NULL DEFAULT 1,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);

CREATE TABLE referrals (
    id                 TEXT PRIMARY KEY,
    case_id            TEXT NOT NULL REFERENCES cases(id),
    agency_id          TEXT NOT NULL REFERENCES agencies(id),
    status             TEXT NOT NULL CHECK (status IN ('draft', 'sent', 'received', 'accepted',
                           'declined', 'service_delivered', 'feedback_received', 'closed',
                           'withdrawn')),
    urgency            TEXT NOT NULL,
    secrecy            TEXT,
    requested          TEXT NOT NULL,
    legal_basis        TEXT NOT NULL,
    shared             TEXT NOT NULL,
    subject            TEXT NOT NULL,
    body               TEXT NOT NULL,
    letter_year        INTEGER,
    letter_no          INTEGER,
    letter_date        TEXT,
    sent_on            TEXT,
    expected_reply_on  TEXT,
    replied_on         TEXT,
    created_at         TEXT NOT NULL,
    created_by         TEXT NOT NULL REFERENCES users(id),
    updated_at         TEXT NOT NULL
);
CREATE UNIQUE INDEX referrals_letter ON referrals(letter_year, letter_no)
    WHERE letter_no IS NOT NULL;
CREATE INDEX referrals_case ON referrals(case_id);
CREATE INDEX referrals_waiting ON referrals(status, expected_reply_on);

-- Every change of a referral, dated and attributed; append-only.
CREATE TABLE referral_events (
    id           TEXT PRIMARY KEY,
    referral_id  TEXT NOT NULL REFERENCES referrals(id),
    at           TEXT NOT NULL,
    on_date      TEXT NOT NULL,
    user_id      TEXT NOT NULL REFERENCES users(id),
    from_status  TEXT,
    to_status    TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX referral_events_referral ON referral_events(referral_id, at);
CREATE TRIGGER referral_events_no_update BEFORE UPDATE ON referral_events
BEGIN SELECT RAISE(ABORT, 'referral events are append-only'); END;
CREATE TRIGGER referral_events_no_delete BEFORE DELETE ON referral_events
BEGIN SELECT RAISE(ABORT, 'referral events are append-only'); END;

-- ทะเบียนหนังสือส่ง: one row per number issued; a number is never reused.
CREATE TABLE letter_register (
    be_year      INTEGER NOT NULL,
    number       INTEGER NOT NULL,
    letter_date  TEXT NOT NULL,
    issued_at    TEXT NOT NULL,
    issued_by    TEXT NOT NULL REFERENCES users(id),
    referral_id  TEXT REFERENCES referrals(id),
    recipient    TEXT NOT NULL,
    subject      TEXT NOT NULL,
    PRIMARY KEY (be_year, number)
);
CREATE TRIGGER letter_register_no_update BEFORE UPDATE ON letter_register
BEGIN SELECT RAISE(ABORT, 'the letter register is append-only'); END;
CREATE TRIGGER letter_register_no_delete BEFORE DELETE ON letter_register
BEGIN SELECT RAISE(ABORT, 'the letter register is append-only'); END;

-- Office-editable letter templates, and office images (the emblem) inside the database.
CREATE TABLE letter_templates (
    kind        TEXT PRIMARY KEY,
    subject     TEXT NOT NULL,
    cause       TEXT NOT NULL,
    request     TEXT NOT NULL,
    conclusion  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT REFERENCES users(id)
);
CREATE TABLE office_assets (
    key         TEXT PRIMARY KEY,
    media_type  TEXT NOT NULL,
    data        BLOB NOT NULL,
    updated_at  TEXT NOT NULL
);
"#,
    },
    Migration {
        version: 8,
        name: "sync outbox filled by triggers in the same transaction; sync state and issues",
        sql: r#"
-- The outbox: every change to a synced table is queued here by a trigger, in the same
-- transaction as the change itself, so "saved" always includes "queued for the server".
-- AUTOINCREMENT keeps the per-device sequence gap-free and never reuses a number.
CREATE TABLE outbox (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    entity     TEXT NOT NULL,
    record_id  TEXT NOT NULL,
    fields     TEXT NOT NULL,
    base       TEXT,
    queued_at  TEXT NOT NULL
);
CREATE INDEX outbox_record ON outbox(entity, record_id);
-- While down-synced records are applied, the triggers stand still (applying = 1 only inside
-- that transaction).
CREATE TABLE sync_state (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    applying      INTEGER NOT NULL DEFAULT 0,
    pull_cursor   INTEGER NOT NULL DEFAULT 0,
    last_push_at  TEXT,
    last_pull_at  TEXT,
    last_error    TEXT
);
INSERT INTO sync_state (id) VALUES (1);
-- Everything recorded before sync existed is queued once, parents before children.
INSERT INTO outbox (entity, record_id, fields, base, queued_at)
    SELECT 'users', id, json_object('id', id, 'username', username, 'full_name', full_name, 'position', position, 'role', role, 'active', active, 'created_at', created_at, 'created_by', created_by, 'password_changed_at', password_changed_at), NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM users ORDER BY rowid;
INSERT INTO outbox (entity, record_id, fields, base, queued_at)
    SELECT 'agencies', id, json_object('id', id, 'name', name, 'head_position', head_position, 'address', address, 'phone', phone, 'email', email, 'kind', kind, 'runs_raksa', runs_raksa, 'raksa_office', raksa_office, 'active', active, 'created_at', created_at, 'updated_at', updated_at), NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM agencies ORDER BY rowid;
INSERT INTO outbox (entity, record_id, fields, base, queued_at)
    SELECT 'deadline_rules', milestone || '/' || urgency || '/' || effective_from, json_object('milestone', milestone, 'urgency', urgency, 'days', days, 'effective_from', effective_from, 'reference', reference, 'created_by', created_by, 'created_at', created_at), NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM deadline_rules ORDER BY rowid;
INSERT INTO outbox (entity, record_id, fields, base, queued_at)
    SELECT 'people', id, json_object('id', id, 'title', title, 'first_name', first_name, 'last_name', last_name, 'id_kind', id_kind, 'id_number', id_number, 'no_id_reason', no_id_reason, 'birth_date', birth_date, 'sex', sex, 'phone', phone, 'address_text', address_text, 'created_by', created_by, 'created_at', created_at, 'updated_at', updated_at, 'subdistrict_code', subdistrict_code, 'postcode', postcode), NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM people ORDER BY rowid;
INSERT INTO outbox (entity, record_id, fields, base, queued_at)
    SELECT 'households', id, json_object('id', id, 'house_code', house_code, 'created_at', created_at, 'created_by', created_by), NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM households ORDER BY rowid;
INSERT INTO outbox (entity, record_id, fields, base, queued_at)
    SELECT 'household_members', id, json_object('id', id, 'household_id', household_id, 'person_id', person_id, 'relationship', relationship, 'joined_on', joined_on, 'ended_on', ended_on, 'end_reason', end_reason, 'recorded_at', recorded_at, 'recorded_by', recorded_by), NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM household_members ORDER BY rowid;
INSERT INTO outbox (entity, record_id, fields, base, queued_at)
    SELECT 'cases', id, json_object('id', id, 'case_no', case_no, 'person_id', person_id, 'channel', channel, 'intake_date', intake_date, 'summary', summary, 'status', status, 'assigned_to', assigned_to, 'created_by', created_by, 'created_at', created_at, 'updated_at', updated_at, 'urgency', urgency, 'target_groups', target_groups, 'problem_domains', problem_domains, 'reporter', reporter, 'account', account, 'stage_since', stage_since, 'pending_approval', pending_approval, 'pending_request', pending_request, 'outcome', outcome, 'household_id', household_id), NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM cases ORDER BY rowid;
INSERT INTO outbox (entity, record_id, fields, base, queued_at)
    SELECT 'case_events', id, json_object('id', id, 'case_id', case_id, 'at', at, 'user_id', user_id, 'kind', kind, 'body', body, 'corrects', corrects), NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM case_events ORDER BY rowid;
INSERT INTO outbox (entity, record_id, fields, base, queued_at)
    SELECT 'plan_items', id, json_object('id', id, 'case_id', case_id, 'plan', plan, 'goal', goal, 'activity', activity, 'responsible', responsible, 'due_on', due_on, 'review_on', review_on, 'status', status, 'created_at', created_at, 'created_by', created_by, 'updated_at', updated_at), NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM plan_items ORDER BY rowid;
INSERT INTO outbox (entity, record_id, fields, base, queued_at)
    SELECT 'fact_findings', case_id, json_object('case_id', case_id, 'form_id', form_id, 'form_version', form_version, 'answers', answers, 'status', status, 'revision', revision, 'updated_at', updated_at, 'updated_by', updated_by, 'submitted_at', submitted_at, 'submitted_by', submitted_by), NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM fact_findings ORDER BY rowid;
INSERT INTO outbox (entity, record_id, fields, base, queued_at)
    SELECT 'referrals', id, json_object('id', id, 'case_id', case_id, 'agency_id', agency_id, 'status', status, 'urgency', urgency, 'secrecy', secrecy, 'requested', requested, 'legal_basis', legal_basis, 'shared', shared, 'subject', subject, 'body', body, 'letter_year', letter_year, 'letter_no', letter_no, 'letter_date', letter_date, 'sent_on', sent_on, 'expected_reply_on', expected_reply_on, 'replied_on', replied_on, 'created_at', created_at, 'created_by', created_by, 'updated_at', updated_at), NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM referrals ORDER BY rowid;
INSERT INTO outbox (entity, record_id, fields, base, queued_at)
    SELECT 'referral_events', id, json_object('id', id, 'referral_id', referral_id, 'at', at, 'on_date', on_date, 'user_id', user_id, 'from_status', from_status, 'to_status', to_status, 'note', note), NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM referral_events ORDER BY rowid;
INSERT INTO outbox (entity, record_id, fields, base, queued_at)
    SELECT 'letter_register', be_year || '/' || number, json_object('be_year', be_year, 'number', number, 'letter_date', letter_date, 'issued_at', issued_at, 'issued_by', issued_by, 'referral_id', referral_id, 'recipient', recipient, 'subject', subject), NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM letter_register ORDER BY rowid;
-- What the server did not simply accept: conflicts and rejections, shown to the office.
CREATE TABLE sync_issues (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    seq         INTEGER NOT NULL,
    entity      TEXT NOT NULL,
    record_id   TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('conflict', 'rejected', 'not_applied')),
    detail      TEXT NOT NULL,
    at          TEXT NOT NULL,
    resolved_at TEXT
);
CREATE TRIGGER sync_people_insert AFTER INSERT ON people
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO outbox (entity, record_id, fields, base, queued_at)
    VALUES ('people', NEW.id, json_object('id', NEW.id, 'title', NEW.title, 'first_name', NEW.first_name, 'last_name', NEW.last_name, 'id_kind', NEW.id_kind, 'id_number', NEW.id_number, 'no_id_reason', NEW.no_id_reason, 'birth_date', NEW.birth_date, 'sex', NEW.sex, 'phone', NEW.phone, 'address_text', NEW.address_text, 'created_by', NEW.created_by, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at, 'subdistrict_code', NEW.subdistrict_code, 'postcode', NEW.postcode), NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER sync_people_update AFTER UPDATE ON people
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO outbox (entity, record_id, fields, base, queued_at)
    VALUES ('people', NEW.id, json_object('id', NEW.id, 'title', NEW.title, 'first_name', NEW.first_name, 'last_name', NEW.last_name, 'id_kind', NEW.id_kind, 'id_number', NEW.id_number, 'no_id_reason', NEW.no_id_reason, 'birth_date', NEW.birth_date, 'sex', NEW.sex, 'phone', NEW.phone, 'address_text', NEW.address_text, 'created_by', NEW.created_by, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at, 'subdistrict_code', NEW.subdistrict_code, 'postcode', NEW.postcode), json_object('id', OLD.id, 'title', OLD.title, 'first_name', OLD.first_name, 'last_name', OLD.last_name, 'id_kind', OLD.id_kind, 'id_number', OLD.id_number, 'no_id_reason', OLD.no_id_reason, 'birth_date', OLD.birth_date, 'sex', OLD.sex, 'phone', OLD.phone, 'address_text', OLD.address_text, 'created_by', OLD.created_by, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at, 'subdistrict_code', OLD.subdistrict_code, 'postcode', OLD.postcode), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER sync_cases_insert AFTER INSERT ON cases
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO outbox (entity, record_id, fields, base, queued_at)
    VALUES ('cases', NEW.id, json_object('id', NEW.id, 'case_no', NEW.case_no, 'person_id', NEW.person_id, 'channel', NEW.channel, 'intake_date', NEW.intake_date, 'summary', NEW.summary, 'status', NEW.status, 'assigned_to', NEW.assigned_to, 'created_by', NEW.created_by, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at, 'urgency', NEW.urgency, 'target_groups', NEW.target_groups, 'problem_domains', NEW.problem_domains, 'reporter', NEW.reporter, 'account', NEW.account, 'stage_since', NEW.stage_since, 'pending_approval', NEW.pending_approval, 'pending_request', NEW.pending_request, 'outcome', NEW.outcome, 'household_id', NEW.household_id), NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER sync_cases_update AFTER UPDATE ON cases
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO outbox (entity, record_id, fields, base, queued_at)
    VALUES ('cases', NEW.id, json_object('id', NEW.id, 'case_no', NEW.case_no, 'person_id', NEW.person_id, 'channel', NEW.channel, 'intake_date', NEW.intake_date, 'summary', NEW.summary, 'status', NEW.status, 'assigned_to', NEW.assigned_to, 'created_by', NEW.created_by, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at, 'urgency', NEW.urgency, 'target_groups', NEW.target_groups, 'problem_domains', NEW.problem_domains, 'reporter', NEW.reporter, 'account', NEW.account, 'stage_since', NEW.stage_since, 'pending_approval', NEW.pending_approval, 'pending_request', NEW.pending_request, 'outcome', NEW.outcome, 'household_id', NEW.household_id), json_object('id', OLD.id, 'case_no', OLD.case_no, 'person_id', OLD.person_id, 'channel', OLD.channel, 'intake_date', OLD.intake_date, 'summary', OLD.summary, 'status', OLD.status, 'assigned_to', OLD.assigned_to, 'created_by', OLD.created_by, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at, 'urgency', OLD.urgency, 'target_groups', OLD.target_groups, 'problem_domains', OLD.problem_domains, 'reporter', OLD.reporter, 'account', OLD.account, 'stage_since', OLD.stage_since, 'pending_approval', OLD.pending_approval, 'pending_request', OLD.pending_request, 'outcome', OLD.outcome, 'household_id', OLD.household_id), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER sync_case_events_insert AFTER INSERT ON case_events
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO outbox (entity, record_id, fields, base, queued_at)
    VALUES ('case_events', NEW.id, json_object('id', NEW.id, 'case_id', NEW.case_id, 'at', NEW.at, 'user_id', NEW.user_id, 'kind', NEW.kind, 'body', NEW.body, 'corrects', NEW.corrects), NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER sync_case_events_update AFTER UPDATE ON case_events
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO outbox (entity, record_id, fields, base, queued_at)
    VALUES ('case_events', NEW.id, json_object('id', NEW.id, 'case_id', NEW.case_id, 'at', NEW.at, 'user_id', NEW.user_id, 'kind', NEW.kind, 'body', NEW.body, 'corrects', NEW.corrects), json_object('id', OLD.id, 'case_id', OLD.case_id, 'at', OLD.at, 'user_id', OLD.user_id, 'kind', OLD.kind, 'body', OLD.body, 'corrects', OLD.corrects), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER sync_households_insert AFTER INSERT ON households
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO outbox (entity, record_id, fields, base, queued_at)
    VALUES ('households', NEW.id, json_object('id', NEW.id, 'house_code', NEW.house_code, 'created_at', NEW.created_at, 'created_by', NEW.created_by), NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER sync_households_update AFTER UPDATE ON households
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO outbox (entity, record_id, fields, base, queued_at)
    VALUES ('households', NEW.id, json_object('id', NEW.id, 'house_code', NEW.house_code, 'created_at', NEW.created_at, 'created_by', NEW.created_by), json_object('id', OLD.id, 'house_code', OLD.house_code, 'created_at', OLD.created_at, 'created_by', OLD.created_by), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER sync_household_members_insert AFTER INSERT ON household_members
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO outbox (entity, record_id, fields, base, queued_at)
    VALUES ('household_members', NEW.id, json_object('id', NEW.id, 'household_id', NEW.household_id, 'person_id', NEW.person_id, 'relationship', NEW.relationship, 'joined_on', NEW.joined_on, 'ended_on', NEW.ended_on, 'end_reason', NEW.end_reason, 'recorded_at', NEW.recorded_at, 'recorded_by', NEW.recorded_by), NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER sync_household_members_update AFTER UPDATE ON household_members
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO outbox (entity, record_id, fields, base, queued_at)
    VALUES ('household_members', NEW.id, json_object('id', NEW.id, 'household_id', NEW.household_id, 'person_id', NEW.person_id, 'relationship', NEW.relationship, 'joined_on', NEW.joined_on, 'ended_on', NEW.ended_on, 'end_reason', NEW.end_reason, 'recorded_at', NEW.recorded_at, 'recorded_by', NEW.recorded_by), json_object('id', OLD.id, 'household_id', OLD.household_id, 'person_id', OLD.person_id, 'relationship', OLD.relationship, 'joined_on', OLD.joined_on, 'ended_on', OLD.ended_on, 'end_reason', OLD.end_reason, 'recorded_at', OLD.recorded_at, 'recorded_by', OLD.recorded_by), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER sync_plan_items_insert AFTER INSERT ON plan_items
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO outbox (entity, record_id, fields, base, queued_at)
    VALUES ('plan_items', NEW.id, json_object('id', NEW.id, 'case_id', NEW.case_id, 'plan', NEW.plan, 'goal', NEW.goal, 'activity', NEW.activity, 'responsible', NEW.responsible, 'due_on', NEW.due_on, 'review_on', NEW.review_on, 'status', NEW.status, 'created_at', NEW.created_at, 'created_by', NEW.created_by, 'updated_at', NEW.updated_at), NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER sync_plan_items_update AFTER UPDATE ON plan_items
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO outbox (entity, record_id, fields, base, queued_at)
    VALUES ('plan_items', NEW.id, json_object('id', NEW.id, 'case_id', NEW.case_id, 'plan', NEW.plan, 'goal', NEW.goal, 'activity', NEW.activity, 'responsible', NEW.responsible, 'due_on', NEW.due_on, 'review_on', NEW.review_on, 'status', NEW.status, 'created_at', NEW.created_at, 'created_by', NEW.created_by, 'updated_at', NEW.updated_at), json_object('id', OLD.id, 'case_id', OLD.case_id, 'plan', OLD.plan, 'goal', OLD.goal, 'activity', OLD.activity, 'responsible', OLD.responsible, 'due_on', OLD.due_on, 'review_on', OLD.review_on, 'status', OLD.status, 'created_at', OLD.created_at, 'created_by', OLD.created_by, 'updated_at', OLD.updated_at), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER sync_fact_findings_insert AFTER INSERT ON fact_findings
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO outbox (entity, record_id, fields, base, queued_at)
    VALUES ('fact_findings', NEW.case_id, json_object('case_id', NEW.case_id, 'form_id', NEW.form_id, 'form_version', NEW.form_version, 'answers', NEW.answers, 'status', NEW.status, 'revision', NEW.revision, 'updated_at', NEW.updated_at, 'updated_by', NEW.updated_by, 'submitted_at', NEW.submitted_at, 'submitted_by', NEW.submitted_by), NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER sync_fact_findings_update AFTER UPDATE ON fact_findings
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO outbox (entity, record_id, fields, base, queued_at)
    VALUES ('fact_findings', NEW.case_id, json_object('case_id', NEW.case_id, 'form_id', NEW.form_id, 'form_version', NEW.form_version, 'answers', NEW.answers, 'status', NEW.status, 'revision', NEW.revision, 'updated_at', NEW.updated_at, 'updated_by', NEW.updated_by, 'submitted_at', NEW.submitted_at, 'submitted_by', NEW.submitted_by), json_object('case_id', OLD.case_id, 'form_id', OLD.form_id, 'form_version', OLD.form_version, 'answers', OLD.answers, 'status', OLD.status, 'revision', OLD.revision, 'updated_at', OLD.updated_at, 'updated_by', OLD.updated_by, 'submitted_at', OLD.submitted_at, 'submitted_by', OLD.submitted_by), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER sync_agencies_insert AFTER INSERT ON agencies
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO outbox (entity, record_id, fields, base, queued_at)
    VALUES ('agencies', NEW.id, json_object('id', NEW.id, 'name', NEW.name, 'head_position', NEW.head_position, 'address', NEW.address, 'phone', NEW.phone, 'email', NEW.email, 'kind', NEW.kind, 'runs_raksa', NEW.runs_raksa, 'raksa_office', NEW.raksa_office, 'active', NEW.active, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at), NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER sync_agencies_update AFTER UPDATE ON agencies
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO outbox (entity, record_id, fields, base, queued_at)
    VALUES ('agencies', NEW.id, json_object('id', NEW.id, 'name', NEW.name, 'head_position', NEW.head_position, 'address', NEW.address, 'phone', NEW.phone, 'email', NEW.email, 'kind', NEW.kind, 'runs_raksa', NEW.runs_raksa, 'raksa_office', NEW.raksa_office, 'active', NEW.active, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at), json_object('id', OLD.id, 'name', OLD.name, 'head_position', OLD.head_position, 'address', OLD.address, 'phone', OLD.phone, 'email', OLD.email, 'kind', OLD.kind, 'runs_raksa', OLD.runs_raksa, 'raksa_office', OLD.raksa_office, 'active', OLD.active, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER sync_referrals_insert AFTER INSERT ON referrals
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO outbox (entity, record_id, fields, base, queued_at)
    VALUES ('referrals', NEW.id, json_object('id', NEW.id, 'case_id', NEW.case_id, 'agency_id', NEW.agency_id, 'status', NEW.status, 'urgency', NEW.urgency, 'secrecy', NEW.secrecy, 'requested', NEW.requested, 'legal_basis', NEW.legal_basis, 'shared', NEW.shared, 'subject', NEW.subject, 'body', NEW.body, 'letter_year', NEW.letter_year, 'letter_no', NEW.letter_no, 'letter_date', NEW.letter_date, 'sent_on', NEW.sent_on, 'expected_reply_on', NEW.expected_reply_on, 'replied_on', NEW.replied_on, 'created_at', NEW.created_at, 'created_by', NEW.created_by, 'updated_at', NEW.updated_at), NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER sync_referrals_update AFTER UPDATE ON referrals
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO outbox (entity, record_id, fields, base, queued_at)
    VALUES ('referrals', NEW.id, json_object('id', NEW.id, 'case_id', NEW.case_id, 'agency_id', NEW.agency_id, 'status', NEW.status, 'urgency', NEW.urgency, 'secrecy', NEW.secrecy, 'requested', NEW.requested, 'legal_basis', NEW.legal_basis, 'shared', NEW.shared, 'subject', NEW.subject, 'body', NEW.body, 'letter_year', NEW.letter_year, 'letter_no', NEW.letter_no, 'letter_date', NEW.letter_date, 'sent_on', NEW.sent_on, 'expected_reply_on', NEW.expected_reply_on, 'replied_on', NEW.replied_on, 'created_at', NEW.created_at, 'created_by', NEW.created_by, 'updated_at', NEW.updated_at), json_object('id', OLD.id, 'case_id', OLD.case_id, 'agency_id', OLD.agency_id, 'status', OLD.status, 'urgency', OLD.urgency, 'secrecy', OLD.secrecy, 'requested', OLD.requested, 'legal_basis', OLD.legal_basis, 'shared', OLD.shared, 'subject', OLD.subject, 'body', OLD.body, 'letter_year', OLD.letter_year, 'letter_no', OLD.letter_no, 'letter_date', OLD.letter_date, 'sent_on', OLD.sent_on, 'expected_reply_on', OLD.expected_reply_on, 'replied_on', OLD.replied_on, 'created_at', OLD.created_at, 'created_by', OLD.created_by, 'updated_at', OLD.updated_at), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER sync_referral_events_insert AFTER INSERT ON referral_events
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO outbox (entity, record_id, fields, base, queued_at)
    VALUES ('referral_events', NEW.id, json_object('id', NEW.id, 'referral_id', NEW.referral_id, 'at', NEW.at, 'on_date', NEW.on_date, 'user_id', NEW.user_id, 'from_status', NEW.from_status, 'to_status', NEW.to_status, 'note', NEW.note), NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER sync_referral_events_update AFTER UPDATE ON referral_events
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO outbox (entity, record_id, fields, base, queued_at)
    VALUES ('referral_events', NEW.id, json_object('id', NEW.id, 'referral_id', NEW.referral_id, 'at', NEW.at, 'on_date', NEW.on_date, 'user_id', NEW.user_id, 'from_status', NEW.from_status, 'to_status', NEW.to_status, 'note', NEW.note), json_object('id', OLD.id, 'referral_id', OLD.referral_id, 'at', OLD.at, 'on_date', OLD.on_date, 'user_id', OLD.user_id, 'from_status', OLD.from_status, 'to_status', OLD.to_status, 'note', OLD.note), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER sync_letter_register_insert AFTER INSERT ON letter_register
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO outbox (entity, record_id, fields, base, queued_at)
    VALUES ('letter_register', NEW.be_year || '/' || NEW.number, json_object('be_year', NEW.be_year, 'number', NEW.number, 'letter_date', NEW.letter_date, 'issued_at', NEW.issued_at, 'issued_by', NEW.issued_by, 'referral_id', NEW.referral_id, 'recipient', NEW.recipient, 'subject', NEW.subject), NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER sync_letter_register_update AFTER UPDATE ON letter_register
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO outbox (entity, record_id, fields, base, queued_at)
    VALUES ('letter_register', NEW.be_year || '/' || NEW.number, json_object('be_year', NEW.be_year, 'number', NEW.number, 'letter_date', NEW.letter_date, 'issued_at', NEW.issued_at, 'issued_by', NEW.issued_by, 'referral_id', NEW.referral_id, 'recipient', NEW.recipient, 'subject', NEW.subject), json_object('be_year', OLD.be_year, 'number', OLD.number, 'letter_date', OLD.letter_date, 'issued_at', OLD.issued_at, 'issued_by', OLD.issued_by, 'referral_id', OLD.referral_id, 'recipient', OLD.recipient, 'subject', OLD.subject), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER sync_deadline_rules_insert AFTER INSERT ON deadline_rules
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO outbox (entity, record_id, fields, base, queued_at)
    VALUES ('deadline_rules', NEW.milestone || '/' || NEW.urgency || '/' || NEW.effective_from, json_object('milestone', NEW.milestone, 'urgency', NEW.urgency, 'days', NEW.days, 'effective_from', NEW.effective_from, 'reference', NEW.reference, 'created_by', NEW.created_by, 'created_at', NEW.created_at), NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER sync_deadline_rules_update AFTER UPDATE ON deadline_rules
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO outbox (entity, record_id, fields, base, queued_at)
    VALUES ('deadline_rules', NEW.milestone || '/' || NEW.urgency || '/' || NEW.effective_from, json_object('milestone', NEW.milestone, 'urgency', NEW.urgency, 'days', NEW.days, 'effective_from', NEW.effective_from, 'reference', NEW.reference, 'created_by', NEW.created_by, 'created_at', NEW.created_at), json_object('milestone', OLD.milestone, 'urgency', OLD.urgency, 'days', OLD.days, 'effective_from', OLD.effective_from, 'reference', OLD.reference, 'created_by', OLD.created_by, 'created_at', OLD.created_at), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER sync_users_insert AFTER INSERT ON users
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO outbox (entity, record_id, fields, base, queued_at)
    VALUES ('users', NEW.id, json_object('id', NEW.id, 'username', NEW.username, 'full_name', NEW.full_name, 'position', NEW.position, 'role', NEW.role, 'active', NEW.active, 'created_at', NEW.created_at, 'created_by', NEW.created_by, 'password_changed_at', NEW.password_changed_at), NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER sync_users_update AFTER UPDATE ON users
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO outbox (entity, record_id, fields, base, queued_at)
    VALUES ('users', NEW.id, json_object('id', NEW.id, 'username', NEW.username, 'full_name', NEW.full_name, 'position', NEW.position, 'role', NEW.role, 'active', NEW.active, 'created_at', NEW.created_at, 'created_by', NEW.created_by, 'password_changed_at', NEW.password_changed_at), json_object('id', OLD.id, 'username', OLD.username, 'full_name', OLD.full_name, 'position', OLD.position, 'role', OLD.role, 'active', OLD.active, 'created_at', OLD.created_at, 'created_by', OLD.created_by, 'password_changed_at', OLD.password_changed_at), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
"#,
    },
    Migration {
        version: 9,
        name: "down-synced records waiting for a parent record",
        sql: r#"
-- A pulled record whose parent has not arrived yet (the parent was changed later, so it
-- comes later in the server's order) waits here and is applied as soon as it can be.
CREATE TABLE sync_parked (
    entity     TEXT NOT NULL,
    record_id  TEXT NOT NULL,
    fields     TEXT NOT NULL,
    parked_at  TEXT NOT NULL,
    PRIMARY KEY (entity, record_id)
);
"#,
    },
    Migration {
        version: 10,
        name: "referrals from other offices and the replies to them",
        sql: r#"
-- Referrals another Raksa office addressed to this one, as the server delivered them.
CREATE TABLE incoming_referrals (
    id           TEXT PRIMARY KEY,
    from_office  TEXT NOT NULL,
    fields       TEXT NOT NULL,
    status       TEXT NOT NULL,
    received_at  TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
-- This office's answers to them (synced: the server passes them back to the sender).
CREATE TABLE referral_replies (
    id           TEXT PRIMARY KEY,
    referral_id  TEXT NOT NULL,
    from_office  TEXT NOT NULL,
    status       TEXT NOT NULL,
    on_date      TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    by_name      TEXT NOT NULL,
    recorded_at  TEXT NOT NULL
);
CREATE TRIGGER referral_replies_no_update BEFORE UPDATE ON referral_replies
BEGIN SELECT RAISE(ABORT, 'referral replies are append-only'); END;
CREATE TRIGGER sync_referral_replies_insert AFTER INSERT ON referral_replies
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO outbox (entity, record_id, fields, base, queued_at)
    VALUES ('referral_replies', NEW.id, json_object('id', NEW.id, 'referral_id', NEW.referral_id,
        'from_office', NEW.from_office, 'status', NEW.status, 'on_date', NEW.on_date,
        'note', NEW.note, 'by_name', NEW.by_name, 'recorded_at', NEW.recorded_at), NULL,
        strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
"#,
    },
    Migration {
        version: 11,
        name: "accounts merged into the office's account when a PC joins an office",
        sql: r#"
-- Local only (not synced): this PC's own account with the same user name as an older
-- account of the office signs in as that account (see sync::settle_username_clash).
ALTER TABLE users ADD COLUMN merged_into TEXT;

-- Attachments sync: the record travels like any other, the bytes as a content-addressed
-- blob. An attachment made on another PC exists here before its bytes arrive, so "live"
-- no longer implies "has data" (removed still implies no data).
CREATE TABLE attachments_new (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases(id),
    field_key   TEXT NOT NULL,
    file_name   TEXT NOT NULL,
    media_type  TEXT NOT NULL,
    size        INTEGER NOT NULL,
    sha256      TEXT NOT NULL,
    data        BLOB,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL REFERENCES users(id),
    removed_at  TEXT,
    removed_by  TEXT REFERENCES users(id),
    -- Local only: 1 once the server holds the bytes (2: the server refused them).
    blob_sent   INTEGER NOT NULL DEFAULT 0,
    CHECK (removed_at IS NULL OR data IS NULL)
);
INSERT INTO attachments_new (id, case_id, field_key, file_name, media_type, size, sha256,
    data, created_at, created_by, removed_at, removed_by) SELECT id, case_id, field_key, file_name, media_type, size, sha256,
    data, created_at, created_by, removed_at, removed_by FROM attachments;
DROP TABLE attachments;
ALTER TABLE attachments_new RENAME TO attachments;
CREATE INDEX attachments_case ON attachments(case_id, field_key);
CREATE INDEX attachments_sha ON attachments(sha256);
INSERT INTO outbox (entity, record_id, fields, base, queued_at)
    SELECT 'attachments', id, json_object('id', id, 'case_id', case_id, 'field_key', field_key, 'file_name', file_name, 'media_type', media_type, 'size', size, 'sha256', sha256, 'created_at', created_at, 'created_by', created_by, 'removed_at', removed_at, 'removed_by', removed_by), NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM attachments ORDER BY rowid;
CREATE TRIGGER sync_attachments_insert AFTER INSERT ON attachments
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO outbox (entity, record_id, fields, base, queued_at)
    VALUES ('attachments', NEW.id, json_object('id', NEW.id, 'case_id', NEW.case_id, 'field_key', NEW.field_key, 'file_name', NEW.file_name, 'media_type', NEW.media_type, 'size', NEW.size, 'sha256', NEW.sha256, 'created_at', NEW.created_at, 'created_by', NEW.created_by, 'removed_at', NEW.removed_at, 'removed_by', NEW.removed_by), NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER sync_attachments_update AFTER UPDATE OF id, case_id, field_key, file_name,
    media_type, size, sha256, created_at, created_by, removed_at, removed_by ON attachments
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO outbox (entity, record_id, fields, base, queued_at)
    VALUES ('attachments', NEW.id, json_object('id', NEW.id, 'case_id', NEW.case_id, 'field_key', NEW.field_key, 'file_name', NEW.file_name, 'media_type', NEW.media_type, 'size', NEW.size, 'sha256', NEW.sha256, 'created_at', NEW.created_at, 'created_by', NEW.created_by, 'removed_at', NEW.removed_at, 'removed_by', NEW.removed_by), json_object('id', OLD.id, 'case_id', OLD.case_id, 'field_key', OLD.field_key, 'file_name', OLD.file_name, 'media_type', OLD.media_type, 'size', OLD.size, 'sha256', OLD.sha256, 'created_at', OLD.created_at, 'created_by', OLD.created_by, 'removed_at', OLD.removed_at, 'removed_by', OLD.removed_by), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
"#,
    },
    Migration {
        version: 12,
        name: "phonetic name indexes for the duplicate check",
        sql: r#"
-- rk_udom83 / rk_lk82 are registered by db::open (name_match.rs): Thai phonetic codes of
-- the normalised name. Candidates for one name are index look-ups, not a scan.
CREATE INDEX people_sound_udom83 ON people (rk_udom83(last_name), rk_udom83(first_name));
CREATE INDEX people_sound_lk82 ON people (rk_lk82(last_name), rk_lk82(first_name));
CREATE INDEX people_sound_first_year ON people (rk_udom83(first_name), substr(birth_date, 1, 4));
"#,
    },
    Migration {
        version: 13,
        name: "welfare-rights screening rules, dated and versioned",
        sql: r#"
-- Welfare-rights screening rules (domain reference §7): versions of scheme bands with an
-- effective date and a legal reference. Rows are added, never edited, so a screening can
-- always be explained by the versions in force on its date. Amounts as published; an
-- administrator adds a new version when a regulation changes.
CREATE TABLE welfare_rules (
    id                          TEXT PRIMARY KEY,
    scheme                      TEXT NOT NULL,
    band                        TEXT NOT NULL,
    effective_from              TEXT NOT NULL,
    min_age                     INTEGER,
    max_age                     INTEGER,
    max_income_per_person_year  INTEGER,
    conditions                  TEXT NOT NULL DEFAULT '[]',
    amount                      INTEGER NOT NULL CHECK (amount > 0),
    unit                        TEXT NOT NULL CHECK (unit IN ('month', 'time', 'year', 'case')),
    up_to                       INTEGER NOT NULL DEFAULT 0,
    paying_body                 TEXT NOT NULL,
    legal_ref                   TEXT NOT NULL,
    note                        TEXT NOT NULL DEFAULT '',
    created_at                  TEXT NOT NULL,
    created_by                  TEXT REFERENCES users(id)
);
CREATE INDEX welfare_rules_band ON welfare_rules(scheme, band, effective_from);
CREATE TRIGGER welfare_rules_no_update BEFORE UPDATE ON welfare_rules
BEGIN SELECT RAISE(ABORT, 'welfare rules are versioned, not edited'); END;
CREATE TRIGGER welfare_rules_no_delete BEFORE DELETE ON welfare_rules
BEGIN SELECT RAISE(ABORT, 'welfare rules are versioned, not deleted'); END;
INSERT INTO welfare_rules (id, scheme, band, effective_from, min_age, max_age,
    max_income_per_person_year, conditions, amount, unit, up_to, paying_body, legal_ref, note,
    created_at, created_by) VALUES
('seed-child_support-01', 'child_support', 'เด็กอายุต่ำกว่า 6 ปี', '2019-10-01', 0, 5, 100000, '["thai"]', 600, 'month', 0, 'กรมกิจการเด็กและเยาวชน (ยื่นที่ อปท./สำนักงานเขต)', 'ระเบียบกรมกิจการเด็กและเยาวชนว่าด้วยการดำเนินงานโครงการเงินอุดหนุนเพื่อการเลี้ยงดูเด็กแรกเกิด พ.ศ. 2562', 'รายได้เฉลี่ยของครัวเรือนไม่เกิน 100,000 บาท/คน/ปี', '2026-01-01T00:00:00Z', NULL),
('seed-elderly_allowance-02', 'elderly_allowance', 'อายุ 60–69 ปี', '2011-10-01', 60, 69, NULL, '["thai"]', 600, 'month', 0, 'องค์กรปกครองส่วนท้องถิ่น (อบต./เทศบาล) ที่มีภูมิลำเนา', 'ระเบียบกระทรวงมหาดไทยว่าด้วยหลักเกณฑ์การจ่ายเงินเบี้ยยังชีพผู้สูงอายุขององค์กรปกครองส่วนท้องถิ่น พ.ศ. 2552 และที่แก้ไขเพิ่มเติม (อัตราขั้นบันไดตั้งแต่ปีงบประมาณ 2555)', 'ต้องลงทะเบียนกับ อปท. และไม่ได้รับสวัสดิการอื่นจากรัฐในลักษณะเดียวกัน', '2026-01-01T00:00:00Z', NULL),
('seed-elderly_allowance-03', 'elderly_allowance', 'อายุ 70–79 ปี', '2011-10-01', 70, 79, NULL, '["thai"]', 700, 'month', 0, 'องค์กรปกครองส่วนท้องถิ่น (อบต./เทศบาล) ที่มีภูมิลำเนา', 'ระเบียบกระทรวงมหาดไทยว่าด้วยหลักเกณฑ์การจ่ายเงินเบี้ยยังชีพผู้สูงอายุขององค์กรปกครองส่วนท้องถิ่น พ.ศ. 2552 และที่แก้ไขเพิ่มเติม (อัตราขั้นบันไดตั้งแต่ปีงบประมาณ 2555)', 'ต้องลงทะเบียนกับ อปท.', '2026-01-01T00:00:00Z', NULL),
('seed-elderly_allowance-04', 'elderly_allowance', 'อายุ 80–89 ปี', '2011-10-01', 80, 89, NULL, '["thai"]', 800, 'month', 0, 'องค์กรปกครองส่วนท้องถิ่น (อบต./เทศบาล) ที่มีภูมิลำเนา', 'ระเบียบกระทรวงมหาดไทยว่าด้วยหลักเกณฑ์การจ่ายเงินเบี้ยยังชีพผู้สูงอายุขององค์กรปกครองส่วนท้องถิ่น พ.ศ. 2552 และที่แก้ไขเพิ่มเติม (อัตราขั้นบันไดตั้งแต่ปีงบประมาณ 2555)', 'ต้องลงทะเบียนกับ อปท.', '2026-01-01T00:00:00Z', NULL),
('seed-elderly_allowance-05', 'elderly_allowance', 'อายุ 90 ปีขึ้นไป', '2011-10-01', 90, NULL, NULL, '["thai"]', 1000, 'month', 0, 'องค์กรปกครองส่วนท้องถิ่น (อบต./เทศบาล) ที่มีภูมิลำเนา', 'ระเบียบกระทรวงมหาดไทยว่าด้วยหลักเกณฑ์การจ่ายเงินเบี้ยยังชีพผู้สูงอายุขององค์กรปกครองส่วนท้องถิ่น พ.ศ. 2552 และที่แก้ไขเพิ่มเติม (อัตราขั้นบันไดตั้งแต่ปีงบประมาณ 2555)', 'ต้องลงทะเบียนกับ อปท.', '2026-01-01T00:00:00Z', NULL),
('seed-disability_allowance-06', 'disability_allowance', 'อายุ 18 ปีขึ้นไป', '2020-10-01', 18, NULL, NULL, '["thai", "disability_card"]', 800, 'month', 0, 'องค์กรปกครองส่วนท้องถิ่น (อบต./เทศบาล) ที่มีภูมิลำเนา', 'ระเบียบกระทรวงมหาดไทยว่าด้วยการจ่ายเงินเบี้ยความพิการให้คนพิการขององค์กรปกครองส่วนท้องถิ่น พ.ศ. 2553 และที่แก้ไขเพิ่มเติม (ฉบับที่ 4) พ.ศ. 2563', '', '2026-01-01T00:00:00Z', NULL),
('seed-disability_allowance-07', 'disability_allowance', 'อายุต่ำกว่า 18 ปี', '2020-10-01', 0, 17, NULL, '["thai", "disability_card"]', 1000, 'month', 0, 'องค์กรปกครองส่วนท้องถิ่น (อบต./เทศบาล) ที่มีภูมิลำเนา', 'ระเบียบกระทรวงมหาดไทยว่าด้วยการจ่ายเงินเบี้ยความพิการให้คนพิการขององค์กรปกครองส่วนท้องถิ่น พ.ศ. 2553 และที่แก้ไขเพิ่มเติม (ฉบับที่ 4) พ.ศ. 2563', '', '2026-01-01T00:00:00Z', NULL),
('seed-disability_allowance-08', 'disability_allowance', 'ผู้ถือบัตรสวัสดิการแห่งรัฐ', '2020-10-01', NULL, NULL, NULL, '["thai", "disability_card", "welfare_card_holder"]', 1000, 'month', 0, 'องค์กรปกครองส่วนท้องถิ่น (อบต./เทศบาล) ที่มีภูมิลำเนา', 'ระเบียบกระทรวงมหาดไทยว่าด้วยการจ่ายเงินเบี้ยความพิการให้คนพิการขององค์กรปกครองส่วนท้องถิ่น พ.ศ. 2553 และที่แก้ไขเพิ่มเติม (ฉบับที่ 4) พ.ศ. 2563', '', '2026-01-01T00:00:00Z', NULL),
('seed-welfare_card-09', 'welfare_card', 'อายุ 18 ปีขึ้นไป', '2023-01-01', 18, NULL, 100000, '["thai"]', 300, 'month', 0, 'กระทรวงการคลัง', 'โครงการลงทะเบียนเพื่อสวัสดิการแห่งรัฐ (รอบปี 2566)', 'วงเงินซื้อสินค้า 300 บาท/เดือน และค่าสาธารณูปโภค/ค่าเดินทางตามที่กำหนด; มีเกณฑ์ทรัพย์สินด้วย', '2026-01-01T00:00:00Z', NULL),
('seed-emergency-10', 'emergency', 'กรณีฉุกเฉิน', '2021-01-01', NULL, NULL, NULL, '["hardship"]', 3000, 'time', 1, 'สำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์จังหวัด', 'ระเบียบกระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์ว่าด้วยการช่วยเหลือผู้ประสบปัญหาทางสังคมกรณีฉุกเฉิน (ฉบับปี 2564)', '', '2026-01-01T00:00:00Z', NULL),
('seed-low_income_family-11', 'low_income_family', 'ครอบครัวผู้มีรายได้น้อย', '2021-01-01', NULL, NULL, NULL, '["hardship"]', 3000, 'case', 1, 'กรมพัฒนาสังคมและสวัสดิการ / สำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์จังหวัด', 'ระเบียบกรมพัฒนาสังคมและสวัสดิการว่าด้วยการให้การสงเคราะห์ครอบครัวผู้มีรายได้น้อยและผู้ไร้ที่พึ่ง (ฉบับปี 2564)', 'หัวหน้าครอบครัวเสียชีวิต เจ็บป่วย หรือไม่มีรายได้; ต้องเยี่ยมบ้าน', '2026-01-01T00:00:00Z', NULL),
('seed-elderly_hardship-12', 'elderly_hardship', 'ผู้สูงอายุในภาวะยากลำบาก', '2024-01-01', 60, NULL, NULL, '["thai", "hardship"]', 3000, 'time', 0, 'กรมกิจการผู้สูงอายุ', 'ระเบียบกรมกิจการผู้สูงอายุว่าด้วยการจ่ายเงินสงเคราะห์ผู้สูงอายุที่อยู่ในภาวะยากลำบาก (ฉบับปี 2567)', 'ถูกทารุณกรรม ถูกทอดทิ้ง หรือประสบปัญหาความเดือดร้อน', '2026-01-01T00:00:00Z', NULL),
('seed-elderly_funeral-13', 'elderly_funeral', 'ผู้สูงอายุที่เสียชีวิต', '2022-01-01', 60, NULL, NULL, '["thai", "deceased", "hardship"]', 3000, 'case', 0, 'กรมกิจการผู้สูงอายุ', 'ระเบียบกรมกิจการผู้สูงอายุว่าด้วยการจ่ายเงินสงเคราะห์ในการจัดการศพผู้สูงอายุตามประเพณี (ฉบับปี 2565)', 'ผู้ตายมีฐานะยากจน และญาติไม่สามารถจัดการศพได้', '2026-01-01T00:00:00Z', NULL),
('seed-equity_grant-14', 'equity_grant', 'นักเรียนยากจน', '2020-05-01', 3, 18, 36000, '["thai", "in_school"]', 3000, 'year', 0, 'กองทุนเพื่อความเสมอภาคทางการศึกษา (กสศ.) ผ่านโรงเรียน', 'พ.ร.บ.กองทุนเพื่อความเสมอภาคทางการศึกษา พ.ศ. 2561 (ทุนเสมอภาค ปีการศึกษา 2563–2564)', 'คัดกรองด้วยรายได้ครัวเรือนไม่เกินประมาณ 3,000 บาท/คน/เดือน และมาเรียนมากกว่าร้อยละ 80', '2026-01-01T00:00:00Z', NULL);
"#,
    },
    Migration {
        version: 14,
        name: "merging duplicate people: merged_into, synced",
        sql: r#"
-- A record merged into another stays (its history is the other's now) but leaves searches.
ALTER TABLE people ADD COLUMN merged_into TEXT REFERENCES people(id);
DROP TRIGGER sync_people_insert;
DROP TRIGGER sync_people_update;
CREATE TRIGGER sync_people_insert AFTER INSERT ON people
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO outbox (entity, record_id, fields, base, queued_at)
    VALUES ('people', NEW.id, json_object('id', NEW.id, 'title', NEW.title, 'first_name', NEW.first_name, 'last_name', NEW.last_name, 'id_kind', NEW.id_kind, 'id_number', NEW.id_number, 'no_id_reason', NEW.no_id_reason, 'birth_date', NEW.birth_date, 'sex', NEW.sex, 'phone', NEW.phone, 'address_text', NEW.address_text, 'created_by', NEW.created_by, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at, 'subdistrict_code', NEW.subdistrict_code, 'postcode', NEW.postcode, 'merged_into', NEW.merged_into), NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER sync_people_update AFTER UPDATE ON people
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO outbox (entity, record_id, fields, base, queued_at)
    VALUES ('people', NEW.id, json_object('id', NEW.id, 'title', NEW.title, 'first_name', NEW.first_name, 'last_name', NEW.last_name, 'id_kind', NEW.id_kind, 'id_number', NEW.id_number, 'no_id_reason', NEW.no_id_reason, 'birth_date', NEW.birth_date, 'sex', NEW.sex, 'phone', NEW.phone, 'address_text', NEW.address_text, 'created_by', NEW.created_by, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at, 'subdistrict_code', NEW.subdistrict_code, 'postcode', NEW.postcode, 'merged_into', NEW.merged_into), json_object('id', OLD.id, 'title', OLD.title, 'first_name', OLD.first_name, 'last_name', OLD.last_name, 'id_kind', OLD.id_kind, 'id_number', OLD.id_number, 'no_id_reason', OLD.no_id_reason, 'birth_date', OLD.birth_date, 'sex', OLD.sex, 'phone', OLD.phone, 'address_text', OLD.address_text, 'created_by', OLD.created_by, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at, 'subdistrict_code', OLD.subdistrict_code, 'postcode', OLD.postcode, 'merged_into', OLD.merged_into), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
"#,
    },
    Migration {
        version: 15,
        name: "case search follows a case to another person (merge, sync)",
        sql: r#"
-- A case moved to another person (a merge, or a pulled change) is found by that person's
-- name, ID and its case number, and no longer by the old person's.
CREATE TRIGGER case_search_moved AFTER UPDATE OF person_id ON cases
WHEN new.person_id IS NOT old.person_id
BEGIN
    DELETE FROM case_search WHERE case_id = new.id;
    INSERT INTO case_search (case_id, text)
        SELECT new.id, p.title || p.first_name || ' ' || p.last_name || ' '
                       || ifnull(p.id_number, '') || ' ' || new.case_no
        FROM people p WHERE p.id = new.person_id;
END;
-- Databases merged before this version: rebuild the index from the records.
DELETE FROM case_search;
INSERT INTO case_search (case_id, text)
    SELECT c.id, p.title || p.first_name || ' ' || p.last_name || ' ' || ifnull(p.id_number, '')
                 || ' ' || c.case_no
    FROM cases c JOIN people p ON p.id = c.person_id;
"#,
    },
    Migration {
        version: 16,
        name: "deadline rules are versions, never edited",
        sql: r#"
-- Like welfare rules: a change is a new row from a date. Pulled copies of rules (the same
-- rows from another PC of the office) still apply while sync is applying.
CREATE TRIGGER deadline_rules_no_update BEFORE UPDATE ON deadline_rules
WHEN (SELECT applying FROM sync_state) = 0
BEGIN SELECT RAISE(ABORT, 'deadline rules are never edited; add a version'); END;
CREATE TRIGGER deadline_rules_no_delete BEFORE DELETE ON deadline_rules
WHEN (SELECT applying FROM sync_state) = 0
BEGIN SELECT RAISE(ABORT, 'deadline rules are never deleted'); END;
"#,
    },
    Migration {
        version: 17,
        name: "correcting a person's record: date of death, correction history, synced",
        sql: r#"
ALTER TABLE people ADD COLUMN death_date TEXT;
-- One row per correction: the changed columns with their values before and after (JSON),
-- the reason, and for a data subject's request its dates and decision. Never edited.
CREATE TABLE person_corrections (
    id         TEXT PRIMARY KEY,
    person_id  TEXT NOT NULL REFERENCES people(id),
    at         TEXT NOT NULL,
    user_id    TEXT NOT NULL REFERENCES users(id),
    basis      TEXT NOT NULL CHECK (basis IN ('staff', 'data_subject_request')),
    reason     TEXT NOT NULL,
    changes    TEXT NOT NULL,
    request    TEXT
);
CREATE INDEX person_corrections_person ON person_corrections(person_id, at);
CREATE TRIGGER person_corrections_no_update BEFORE UPDATE ON person_corrections
BEGIN SELECT RAISE(ABORT, 'corrections are history and never edited'); END;
CREATE TRIGGER person_corrections_no_delete BEFORE DELETE ON person_corrections
BEGIN SELECT RAISE(ABORT, 'corrections are history and never deleted'); END;
CREATE TRIGGER sync_person_corrections_insert AFTER INSERT ON person_corrections
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO outbox (entity, record_id, fields, base, queued_at)
    VALUES ('person_corrections', NEW.id, json_object('id', NEW.id, 'person_id', NEW.person_id, 'at', NEW.at, 'user_id', NEW.user_id, 'basis', NEW.basis, 'reason', NEW.reason, 'changes', NEW.changes, 'request', NEW.request), NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
DROP TRIGGER sync_people_insert;
DROP TRIGGER sync_people_update;
CREATE TRIGGER sync_people_insert AFTER INSERT ON people
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO outbox (entity, record_id, fields, base, queued_at)
    VALUES ('people', NEW.id, json_object('id', NEW.id, 'title', NEW.title, 'first_name', NEW.first_name, 'last_name', NEW.last_name, 'id_kind', NEW.id_kind, 'id_number', NEW.id_number, 'no_id_reason', NEW.no_id_reason, 'birth_date', NEW.birth_date, 'sex', NEW.sex, 'phone', NEW.phone, 'address_text', NEW.address_text, 'created_by', NEW.created_by, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at, 'subdistrict_code', NEW.subdistrict_code, 'postcode', NEW.postcode, 'merged_into', NEW.merged_into, 'death_date', NEW.death_date), NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER sync_people_update AFTER UPDATE ON people
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO outbox (entity, record_id, fields, base, queued_at)
    VALUES ('people', NEW.id, json_object('id', NEW.id, 'title', NEW.title, 'first_name', NEW.first_name, 'last_name', NEW.last_name, 'id_kind', NEW.id_kind, 'id_number', NEW.id_number, 'no_id_reason', NEW.no_id_reason, 'birth_date', NEW.birth_date, 'sex', NEW.sex, 'phone', NEW.phone, 'address_text', NEW.address_text, 'created_by', NEW.created_by, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at, 'subdistrict_code', NEW.subdistrict_code, 'postcode', NEW.postcode, 'merged_into', NEW.merged_into, 'death_date', NEW.death_date), json_object('id', OLD.id, 'title', OLD.title, 'first_name', OLD.first_name, 'last_name', OLD.last_name, 'id_kind', OLD.id_kind, 'id_number', OLD.id_number, 'no_id_reason', OLD.no_id_reason, 'birth_date', OLD.birth_date, 'sex', OLD.sex, 'phone', OLD.phone, 'address_text', OLD.address_text, 'created_by', OLD.created_by, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at, 'subdistrict_code', OLD.subdistrict_code, 'postcode', OLD.postcode, 'merged_into', OLD.merged_into, 'death_date', OLD.death_date), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
"#,
    },
    Migration {
        version: 18,
        name: "the audit trail is hash-chained",
        sql: r#"
-- Each new entry's hash covers the previous entry's hash and its own fields (audit.rs);
-- entries written before this version carry none and are reported as such.
ALTER TABLE audit_log ADD COLUMN hash TEXT;
"#,
    },
    Migration {
        version: 19,
        name: "need-to-know: sensitive cases and break-the-glass openings, synced",
        sql: r#"
-- A case marked sensitive by hand (the safety problem domain makes it sensitive anyway:
-- raksa_domain::access::is_sensitive).
ALTER TABLE cases ADD COLUMN sensitive INTEGER NOT NULL DEFAULT 0 CHECK (sensitive IN (0, 1));
-- One row per break-the-glass opening: who opened which case, why, until when. Never edited.
CREATE TABLE access_grants (
    id         TEXT PRIMARY KEY,
    case_id    TEXT NOT NULL REFERENCES cases(id),
    user_id    TEXT NOT NULL REFERENCES users(id),
    reason     TEXT NOT NULL,
    at         TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX access_grants_case ON access_grants(case_id, user_id, expires_at);
CREATE INDEX access_grants_at ON access_grants(at);
CREATE TRIGGER access_grants_no_update BEFORE UPDATE ON access_grants
BEGIN SELECT RAISE(ABORT, 'break-the-glass openings are history and never edited'); END;
CREATE TRIGGER access_grants_no_delete BEFORE DELETE ON access_grants
BEGIN SELECT RAISE(ABORT, 'break-the-glass openings are history and never deleted'); END;
CREATE TRIGGER sync_access_grants_insert AFTER INSERT ON access_grants
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO outbox (entity, record_id, fields, base, queued_at)
    VALUES ('access_grants', NEW.id, json_object('id', NEW.id, 'case_id', NEW.case_id, 'user_id', NEW.user_id, 'reason', NEW.reason, 'at', NEW.at, 'expires_at', NEW.expires_at), NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
DROP TRIGGER sync_cases_insert;
DROP TRIGGER sync_cases_update;
CREATE TRIGGER sync_cases_insert AFTER INSERT ON cases
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO outbox (entity, record_id, fields, base, queued_at)
    VALUES ('cases', NEW.id, json_object('id', NEW.id, 'case_no', NEW.case_no, 'person_id', NEW.person_id, 'channel', NEW.channel, 'intake_date', NEW.intake_date, 'summary', NEW.summary, 'status', NEW.status, 'assigned_to', NEW.assigned_to, 'created_by', NEW.created_by, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at, 'urgency', NEW.urgency, 'target_groups', NEW.target_groups, 'problem_domains', NEW.problem_domains, 'reporter', NEW.reporter, 'account', NEW.account, 'stage_since', NEW.stage_since, 'pending_approval', NEW.pending_approval, 'pending_request', NEW.pending_request, 'outcome', NEW.outcome, 'household_id', NEW.household_id, 'sensitive', NEW.sensitive), NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER sync_cases_update AFTER UPDATE ON cases
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO outbox (entity, record_id, fields, base, queued_at)
    VALUES ('cases', NEW.id, json_object('id', NEW.id, 'case_no', NEW.case_no, 'person_id', NEW.person_id, 'channel', NEW.channel, 'intake_date', NEW.intake_date, 'summary', NEW.summary, 'status', NEW.status, 'assigned_to', NEW.assigned_to, 'created_by', NEW.created_by, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at, 'urgency', NEW.urgency, 'target_groups', NEW.target_groups, 'problem_domains', NEW.problem_domains, 'reporter', NEW.reporter, 'account', NEW.account, 'stage_since', NEW.stage_since, 'pending_approval', NEW.pending_approval, 'pending_request', NEW.pending_request, 'outcome', NEW.outcome, 'household_id', NEW.household_id, 'sensitive', NEW.sensitive), json_object('id', OLD.id, 'case_no', OLD.case_no, 'person_id', OLD.person_id, 'channel', OLD.channel, 'intake_date', OLD.intake_date, 'summary', OLD.summary, 'status', OLD.status, 'assigned_to', OLD.assigned_to, 'created_by', OLD.created_by, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at, 'urgency', OLD.urgency, 'target_groups', OLD.target_groups, 'problem_domains', OLD.problem_domains, 'reporter', OLD.reporter, 'account', OLD.account, 'stage_since', OLD.stage_since, 'pending_approval', OLD.pending_approval, 'pending_request', OLD.pending_request, 'outcome', OLD.outcome, 'household_id', OLD.household_id, 'sensitive', OLD.sensitive), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
"#,
    },
    Migration {
        version: 20,
        name: "the audit trail is uploaded to the server, append-only",
        sql: r#"
-- Every chained entry goes to the server with its predecessor's hash, so the server can
-- check each entry against its hash (raksa_domain::audit_chain) and keeps it for good.
CREATE TRIGGER sync_audit_log_insert AFTER INSERT ON audit_log
WHEN NEW.hash IS NOT NULL AND (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO outbox (entity, record_id, fields, base, queued_at)
    VALUES ('audit_log', NEW.hash, json_object('hash', NEW.hash,
        'prev_hash', (SELECT hash FROM audit_log WHERE seq < NEW.seq ORDER BY seq DESC LIMIT 1),
        'at', NEW.at, 'user_id', NEW.user_id, 'action', NEW.action, 'entity', NEW.entity,
        'entity_id', NEW.entity_id, 'detail', NEW.detail), NULL,
        strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
-- …and the entries chained before this version, once.
INSERT INTO outbox (entity, record_id, fields, base, queued_at)
SELECT 'audit_log', a.hash, json_object('hash', a.hash,
        'prev_hash', (SELECT hash FROM audit_log b WHERE b.seq < a.seq ORDER BY b.seq DESC LIMIT 1),
        'at', a.at, 'user_id', a.user_id, 'action', a.action, 'entity', a.entity,
        'entity_id', a.entity_id, 'detail', a.detail), NULL,
        strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
FROM audit_log a WHERE a.hash IS NOT NULL ORDER BY a.seq;
"#,
    },
    Migration {
        version: 21,
        name: "accounts and deadline rules carry an administrator's signature",
        sql: r#"
-- Issue 14 §1: an account or deadline rule is accepted from the server, and by the server,
-- only when signed by a key the office trusts (raksa_protocol::signed). An administrator's
-- account lists the public keys its PCs sign with; `signed_at` orders signed versions.
ALTER TABLE users ADD COLUMN signing_keys TEXT;
ALTER TABLE users ADD COLUMN signed_at TEXT;
ALTER TABLE users ADD COLUMN signature TEXT;
ALTER TABLE deadline_rules ADD COLUMN signature TEXT;
-- Keys the server has said the office trusts (what pulled signatures are checked against).
CREATE TABLE admin_keys (key TEXT PRIMARY KEY, added_at TEXT NOT NULL);
DROP TRIGGER sync_users_insert;
DROP TRIGGER sync_users_update;
DROP TRIGGER sync_deadline_rules_insert;
DROP TRIGGER sync_deadline_rules_update;
CREATE TRIGGER sync_users_insert AFTER INSERT ON users
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO outbox (entity, record_id, fields, base, queued_at)
    VALUES ('users', NEW.id, json_object('id', NEW.id, 'username', NEW.username, 'full_name', NEW.full_name, 'position', NEW.position, 'role', NEW.role, 'active', NEW.active, 'created_at', NEW.created_at, 'created_by', NEW.created_by, 'password_changed_at', NEW.password_changed_at, 'signing_keys', NEW.signing_keys, 'signed_at', NEW.signed_at, 'signature', NEW.signature), NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER sync_users_update AFTER UPDATE ON users
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO outbox (entity, record_id, fields, base, queued_at)
    VALUES ('users', NEW.id, json_object('id', NEW.id, 'username', NEW.username, 'full_name', NEW.full_name, 'position', NEW.position, 'role', NEW.role, 'active', NEW.active, 'created_at', NEW.created_at, 'created_by', NEW.created_by, 'password_changed_at', NEW.password_changed_at, 'signing_keys', NEW.signing_keys, 'signed_at', NEW.signed_at, 'signature', NEW.signature), json_object('id', OLD.id, 'username', OLD.username, 'full_name', OLD.full_name, 'position', OLD.position, 'role', OLD.role, 'active', OLD.active, 'created_at', OLD.created_at, 'created_by', OLD.created_by, 'password_changed_at', OLD.password_changed_at, 'signing_keys', OLD.signing_keys, 'signed_at', OLD.signed_at, 'signature', OLD.signature), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER sync_deadline_rules_insert AFTER INSERT ON deadline_rules
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO outbox (entity, record_id, fields, base, queued_at)
    VALUES ('deadline_rules', NEW.milestone || '/' || NEW.urgency || '/' || NEW.effective_from, json_object('milestone', NEW.milestone, 'urgency', NEW.urgency, 'days', NEW.days, 'effective_from', NEW.effective_from, 'reference', NEW.reference, 'created_by', NEW.created_by, 'created_at', NEW.created_at, 'signature', NEW.signature), NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER sync_deadline_rules_update AFTER UPDATE ON deadline_rules
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO outbox (entity, record_id, fields, base, queued_at)
    VALUES ('deadline_rules', NEW.milestone || '/' || NEW.urgency || '/' || NEW.effective_from, json_object('milestone', NEW.milestone, 'urgency', NEW.urgency, 'days', NEW.days, 'effective_from', NEW.effective_from, 'reference', NEW.reference, 'created_by', NEW.created_by, 'created_at', NEW.created_at, 'signature', NEW.signature), json_object('milestone', OLD.milestone, 'urgency', OLD.urgency, 'days', OLD.days, 'effective_from', OLD.effective_from, 'reference', OLD.reference, 'created_by', OLD.created_by, 'created_at', OLD.created_at, 'signature', OLD.signature), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
"#,
    },
    Migration {
        version: 22,
        name: "requests for help in the office inbox, synced",
        sql: r#"
-- Issue 15: requests for help arrive by pull (made on the server by the 1300 centre, a
-- volunteer or a partner app, routed to this office). The office's steps — a case opened,
-- passed on, closed — are changes of the status fields and go back to the server, which
-- checks each step; the rest is the server's.
CREATE TABLE help_requests (
    id                TEXT PRIMARY KEY,
    channel           TEXT NOT NULL,
    source            TEXT,
    received_at       TEXT NOT NULL,
    reporter          TEXT,
    person_name       TEXT,
    person_citizen_id TEXT,
    person_age        INTEGER,
    person_sex        TEXT,
    subdistrict_code  TEXT,
    gps_lat           REAL,
    gps_lon           REAL,
    address_text      TEXT,
    core_issues       TEXT NOT NULL DEFAULT '[]',
    urgency           TEXT NOT NULL DEFAULT 'normal',
    details           TEXT,
    photos            TEXT,
    sensitive         INTEGER NOT NULL DEFAULT 0,
    status            TEXT NOT NULL,
    owner_office      TEXT,
    case_id           TEXT,
    status_note       TEXT,
    pass_to           TEXT,
    history           TEXT,
    updated_at        TEXT
);
CREATE INDEX help_requests_inbox ON help_requests(status, received_at);
CREATE TRIGGER sync_help_requests_update AFTER UPDATE ON help_requests
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO outbox (entity, record_id, fields, base, queued_at)
    VALUES ('help_requests', NEW.id, json_object('id', NEW.id, 'channel', NEW.channel, 'source', NEW.source, 'received_at', NEW.received_at, 'reporter', NEW.reporter, 'person_name', NEW.person_name, 'person_citizen_id', NEW.person_citizen_id, 'person_age', NEW.person_age, 'person_sex', NEW.person_sex, 'subdistrict_code', NEW.subdistrict_code, 'gps_lat', NEW.gps_lat, 'gps_lon', NEW.gps_lon, 'address_text', NEW.address_text, 'core_issues', NEW.core_issues, 'urgency', NEW.urgency, 'details', NEW.details, 'photos', NEW.photos, 'sensitive', NEW.sensitive, 'status', NEW.status, 'owner_office', NEW.owner_office, 'case_id', NEW.case_id, 'status_note', NEW.status_note, 'pass_to', NEW.pass_to, 'history', NEW.history, 'updated_at', NEW.updated_at), json_object('id', OLD.id, 'channel', OLD.channel, 'source', OLD.source, 'received_at', OLD.received_at, 'reporter', OLD.reporter, 'person_name', OLD.person_name, 'person_citizen_id', OLD.person_citizen_id, 'person_age', OLD.person_age, 'person_sex', OLD.person_sex, 'subdistrict_code', OLD.subdistrict_code, 'gps_lat', OLD.gps_lat, 'gps_lon', OLD.gps_lon, 'address_text', OLD.address_text, 'core_issues', OLD.core_issues, 'urgency', OLD.urgency, 'details', OLD.details, 'photos', OLD.photos, 'sensitive', OLD.sensitive, 'status', OLD.status, 'owner_office', OLD.owner_office, 'case_id', OLD.case_id, 'status_note', OLD.status_note, 'pass_to', OLD.pass_to, 'history', OLD.history, 'updated_at', OLD.updated_at), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
"#,
    },
    Migration {
        version: 23,
        name: "community volunteers who file requests from the field app, synced",
        sql: r#"
-- Issue 15 §4: the office registers its volunteers (อพม.) and gives each a one-time code;
-- only the code's hash is kept and synced, so the server can activate the volunteer's
-- phone with it once.
CREATE TABLE volunteers (
    id               TEXT PRIMARY KEY,
    full_name        TEXT NOT NULL,
    phone            TEXT NOT NULL DEFAULT '',
    subdistrict_code TEXT,
    code_hash        TEXT NOT NULL,
    active           INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at       TEXT NOT NULL,
    created_by       TEXT REFERENCES users(id)
);
CREATE TRIGGER sync_volunteers_insert AFTER INSERT ON volunteers
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO outbox (entity, record_id, fields, base, queued_at)
    VALUES ('volunteers', NEW.id, json_object('id', NEW.id, 'full_name', NEW.full_name, 'phone', NEW.phone, 'subdistrict_code', NEW.subdistrict_code, 'code_hash', NEW.code_hash, 'active', NEW.active, 'created_at', NEW.created_at, 'created_by', NEW.created_by), NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER sync_volunteers_update AFTER UPDATE ON volunteers
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO outbox (entity, record_id, fields, base, queued_at)
    VALUES ('volunteers', NEW.id, json_object('id', NEW.id, 'full_name', NEW.full_name, 'phone', NEW.phone, 'subdistrict_code', NEW.subdistrict_code, 'code_hash', NEW.code_hash, 'active', NEW.active, 'created_at', NEW.created_at, 'created_by', NEW.created_by), json_object('id', OLD.id, 'full_name', OLD.full_name, 'phone', OLD.phone, 'subdistrict_code', OLD.subdistrict_code, 'code_hash', OLD.code_hash, 'active', OLD.active, 'created_at', OLD.created_at, 'created_by', OLD.created_by), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
"#,
    },
    Migration {
        version: 24,
        name: "expedite notices from HuSEC, answered by the office, synced",
        sql: r#"
-- Issue 16 §3: HuSEC (ศรส.) sends an expedite notice about a late case, referral or request;
-- it arrives by pull. The office's answer (what was done, the new date) is a change of the
-- answer fields and goes back to the server, which takes nothing else from the office.
CREATE TABLE expedite_notices (
    id           TEXT PRIMARY KEY,
    target_kind  TEXT NOT NULL,
    target_id    TEXT NOT NULL,
    case_id      TEXT,
    number       TEXT NOT NULL DEFAULT '',
    step         TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    respond_by   TEXT NOT NULL,
    sent_by      TEXT NOT NULL DEFAULT '',
    sent_at      TEXT NOT NULL,
    status       TEXT NOT NULL,
    answer       TEXT,
    new_date     TEXT,
    answered_by  TEXT,
    answered_at  TEXT,
    updated_at   TEXT
);
CREATE INDEX expedite_notices_open ON expedite_notices(status, respond_by);
CREATE INDEX expedite_notices_case ON expedite_notices(case_id);
CREATE TRIGGER sync_expedite_notices_update AFTER UPDATE ON expedite_notices
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO outbox (entity, record_id, fields, base, queued_at)
    VALUES ('expedite_notices', NEW.id, json_object('id', NEW.id, 'target_kind', NEW.target_kind, 'target_id', NEW.target_id, 'case_id', NEW.case_id, 'number', NEW.number, 'step', NEW.step, 'note', NEW.note, 'respond_by', NEW.respond_by, 'sent_by', NEW.sent_by, 'sent_at', NEW.sent_at, 'status', NEW.status, 'answer', NEW.answer, 'new_date', NEW.new_date, 'answered_by', NEW.answered_by, 'answered_at', NEW.answered_at, 'updated_at', NEW.updated_at), json_object('id', OLD.id, 'target_kind', OLD.target_kind, 'target_id', OLD.target_id, 'case_id', OLD.case_id, 'number', OLD.number, 'step', OLD.step, 'note', OLD.note, 'respond_by', OLD.respond_by, 'sent_by', OLD.sent_by, 'sent_at', OLD.sent_at, 'status', OLD.status, 'answer', OLD.answer, 'new_date', OLD.new_date, 'answered_by', OLD.answered_by, 'answered_at', OLD.answered_at, 'updated_at', OLD.updated_at), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
"#,
    },
    Migration {
        version: 25,
        name: "due dates of open cases kept, not recomputed on every view",
        sql: r#"
-- Issue 17: the dashboard counts late cases from these rows (cases/due.rs keeps them:
-- exactly raksa-domain's due_dates of every open case not listed in case_due_stale).
-- Anything the deadline reading depends on lists the case again, whoever wrote it (this
-- PC, a pull, an import), and drops its rows; a view recomputes only the listed cases.
CREATE TABLE case_due (
    case_id    TEXT NOT NULL,
    milestone  TEXT NOT NULL,
    due_on     TEXT NOT NULL,
    PRIMARY KEY (case_id, milestone)
);
CREATE INDEX case_due_on ON case_due(due_on, case_id);
CREATE TABLE case_due_stale (case_id TEXT PRIMARY KEY);
INSERT INTO case_due_stale (case_id) SELECT id FROM cases WHERE status != 'closed';
-- (NOT EXISTS, not OR IGNORE: inside a pulled record's upsert SQLite applies the outer
-- statement's conflict handling to the trigger's insert, and the duplicate would abort it)
CREATE TRIGGER case_due_case_new AFTER INSERT ON cases
BEGIN
    INSERT INTO case_due_stale (case_id) SELECT NEW.id
        WHERE NOT EXISTS (SELECT 1 FROM case_due_stale WHERE case_id = NEW.id);
END;
CREATE TRIGGER case_due_case_changed AFTER UPDATE ON cases
BEGIN
    DELETE FROM case_due WHERE case_id = NEW.id;
    INSERT INTO case_due_stale (case_id) SELECT NEW.id
        WHERE NOT EXISTS (SELECT 1 FROM case_due_stale WHERE case_id = NEW.id);
END;
CREATE TRIGGER case_due_event AFTER INSERT ON case_events
WHEN NEW.kind IN ('home_visit', 'stage_changed', 'approval_decided')
BEGIN
    DELETE FROM case_due WHERE case_id = NEW.case_id;
    INSERT INTO case_due_stale (case_id) SELECT NEW.case_id
        WHERE NOT EXISTS (SELECT 1 FROM case_due_stale WHERE case_id = NEW.case_id);
END;
CREATE TRIGGER case_due_rule AFTER INSERT ON deadline_rules
BEGIN
    DELETE FROM case_due;
    INSERT INTO case_due_stale (case_id) SELECT id FROM cases c WHERE c.status != 'closed'
        AND NOT EXISTS (SELECT 1 FROM case_due_stale s WHERE s.case_id = c.id);
END;
"#,
    },
];

pub const LATEST: u32 = MIGRATIONS[MIGRATIONS.len() - 1].version;

pub fn current_version(conn: &Connection) -> Result<u32> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get::<_, u32>(0))?)
}

/// Brings the schema to the latest version.
pub fn migrate(conn: &mut Connection) -> Result<u32> {
    migrate_to(conn, LATEST)
}

/// Brings the schema to `target` (tests build every earlier version with this).
pub fn migrate_to(conn: &mut Connection, target: u32) -> Result<u32> {
    let current = current_version(conn)?;
    if current > LATEST {
        return Err(CoreError::SchemaTooNew {
            found: current,
            supported: LATEST,
        });
    }
    for m in MIGRATIONS
        .iter()
        .filter(|m| m.version > current && m.version <= target)
    {
        let tx = conn.transaction()?;
        tx.execute_batch(m.sql)?;
        tx.pragma_update(None, "user_version", m.version)?;
        tx.commit()?;
        tracing::info!(version = m.version, name = m.name, "schema migrated");
    }
    current_version(conn)
}
