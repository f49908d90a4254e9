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
