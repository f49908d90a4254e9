//! The SQLite backend (the embedded default): one connection, WAL, `synchronous=FULL`;
//! its schema is created here.

use rusqlite::OptionalExtension;

use super::*;

pub(super) const SCHEMA_SQLITE: &str = "
CREATE TABLE IF NOT EXISTS offices (code TEXT PRIMARY KEY, name TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS enrolment_codes (code_hash TEXT PRIMARY KEY, office TEXT NOT NULL,
    expires_at TEXT NOT NULL, used_at TEXT);
CREATE TABLE IF NOT EXISTS devices (id TEXT PRIMARY KEY, office TEXT NOT NULL, name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE, high_water BIGINT NOT NULL DEFAULT 0, revoked_at TEXT,
    diverged_at TEXT, enrolled_at TEXT NOT NULL, last_seen_at TEXT);
CREATE TABLE IF NOT EXISTS mutations (device_id TEXT NOT NULL, seq BIGINT NOT NULL,
    hash TEXT NOT NULL, outcome TEXT NOT NULL, PRIMARY KEY (device_id, seq));
CREATE TABLE IF NOT EXISTS records (entity TEXT NOT NULL, record_key TEXT NOT NULL,
    record_id TEXT NOT NULL, office TEXT NOT NULL, fields TEXT NOT NULL,
    position BIGINT NOT NULL, updated_at TEXT NOT NULL, echo_device TEXT,
    PRIMARY KEY (entity, record_key));
CREATE INDEX IF NOT EXISTS records_pull ON records (office, position);
-- one office's records of one entity (its deadline rules for every tracked write, its
-- accounts, the national queue) without walking the office's whole history
CREATE INDEX IF NOT EXISTS records_office_entity ON records (entity, office, position);
CREATE TABLE IF NOT EXISTS conflicts (id INTEGER PRIMARY KEY AUTOINCREMENT, office TEXT NOT NULL,
    entity TEXT NOT NULL, record_id TEXT NOT NULL, field TEXT NOT NULL, server_value TEXT NOT NULL,
    device_value TEXT NOT NULL, device_id TEXT NOT NULL, seq BIGINT NOT NULL, at TEXT NOT NULL,
    resolved_at TEXT);
CREATE TABLE IF NOT EXISTS visibility (entity TEXT NOT NULL, record_key TEXT NOT NULL,
    office TEXT NOT NULL, PRIMARY KEY (entity, record_key, office));
-- what another office may pull, found from the office (a pull must not walk every record)
CREATE INDEX IF NOT EXISTS visibility_office ON visibility (office);
CREATE TABLE IF NOT EXISTS staff (id TEXT PRIMARY KEY, name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL, revoked_at TEXT);
CREATE TABLE IF NOT EXISTS sequencer (id INTEGER PRIMARY KEY, position BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS blobs (office TEXT NOT NULL, sha256 TEXT NOT NULL, data BLOB NOT NULL,
    stored_at TEXT NOT NULL, PRIMARY KEY (office, sha256));
CREATE TABLE IF NOT EXISTS releases (target TEXT NOT NULL, version TEXT NOT NULL,
    notes_th TEXT NOT NULL, notes_en TEXT NOT NULL, signature TEXT NOT NULL, sha256 TEXT NOT NULL,
    size BIGINT NOT NULL, published_at TEXT NOT NULL, data BLOB NOT NULL,
    PRIMARY KEY (target, version));
CREATE TABLE IF NOT EXISTS office_keys (office TEXT PRIMARY KEY, wrapped TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS admin_keys (device_id TEXT PRIMARY KEY, office TEXT NOT NULL,
    sealed TEXT NOT NULL, added_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS partners (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE,
    key_hash TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL, revoked_at TEXT);
CREATE TABLE IF NOT EXISTS hotline_users (username TEXT PRIMARY KEY, full_name TEXT NOT NULL,
    role TEXT NOT NULL, pw_hash TEXT NOT NULL, created_at TEXT NOT NULL, disabled_at TEXT);
CREATE TABLE IF NOT EXISTS console_sessions (token_hash TEXT PRIMARY KEY, username TEXT NOT NULL,
    csrf TEXT NOT NULL, expires_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS volunteer_tokens (token_hash TEXT PRIMARY KEY, volunteer_id TEXT NOT NULL,
    office TEXT NOT NULL, code_hash TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS routes (area TEXT PRIMARY KEY, office TEXT NOT NULL, set_at TEXT NOT NULL);
-- HuSEC's escalation rules (issue 16 §3): days to answer a notice of a step, from a day on;
-- rows are versions, never edited (the domain's defaults apply before the first row)
CREATE TABLE IF NOT EXISTS escalation_rules (step TEXT NOT NULL, days BIGINT NOT NULL,
    effective_from TEXT NOT NULL, added_by TEXT NOT NULL, added_at TEXT NOT NULL,
    PRIMARY KEY (step, effective_from));
CREATE TABLE IF NOT EXISTS request_keys (source TEXT NOT NULL, idem_key TEXT NOT NULL,
    body_hash TEXT NOT NULL, request_id TEXT NOT NULL, at TEXT NOT NULL,
    PRIMARY KEY (source, idem_key));
CREATE TABLE IF NOT EXISTS tracking (kind TEXT NOT NULL, id TEXT NOT NULL, office TEXT NOT NULL,
    parent TEXT, number TEXT NOT NULL, status TEXT NOT NULL, channel TEXT NOT NULL,
    urgency TEXT NOT NULL, assigned BIGINT NOT NULL, started_on TEXT, due_milestone TEXT,
    due_on TEXT, facts TEXT NOT NULL, PRIMARY KEY (kind, id));
CREATE INDEX IF NOT EXISTS tracking_due ON tracking (due_on) WHERE due_on IS NOT NULL;
CREATE INDEX IF NOT EXISTS tracking_office ON tracking (office);
CREATE INDEX IF NOT EXISTS tracking_parent ON tracking (parent) WHERE parent IS NOT NULL;
CREATE TABLE IF NOT EXISTS figures (office TEXT NOT NULL, key TEXT NOT NULL, n BIGINT NOT NULL,
    PRIMARY KEY (office, key));
CREATE TABLE IF NOT EXISTS tracking_state (id BIGINT PRIMARY KEY, built_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS server_audit (id TEXT PRIMARY KEY, at TEXT NOT NULL,
    username TEXT NOT NULL, action TEXT NOT NULL, office TEXT NOT NULL, target TEXT NOT NULL,
    reason TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS server_audit_office ON server_audit (office, at);
INSERT INTO sequencer (id, position) VALUES (1, 0) ON CONFLICT (id) DO NOTHING;
";

/// Finding an office's live attachment by its bytes' hash (blob upload and erasure)
/// without reading every attachment record of the office.
const ATTACHMENT_INDEX_SQLITE: &str = "
CREATE INDEX IF NOT EXISTS records_attachment_sha ON records
    (office, json_extract(fields, '$.sha256')) WHERE entity = 'attachments';";

/// Opens (creating if needed) the server's SQLite file, readable and writable by the
/// server's own account only (0600; SQLite gives its -wal and -shm files the same
/// permissions). A file found with wider permissions is tightened.
pub(super) fn open(path: &str) -> Result<rusqlite::Connection> {
    #[cfg(unix)]
    if path != ":memory:" && !path.starts_with("file:") {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        let f = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .mode(0o600)
            .open(path)
            .map_err(|e| StoreError::Db(format!("{path}: {e}")))?;
        f.set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(|e| StoreError::Db(format!("{path}: {e}")))?;
        for side in ["-wal", "-shm"] {
            let p = format!("{path}{side}");
            if std::path::Path::new(&p).exists() {
                let _ = std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600));
            }
        }
    }
    let c = rusqlite::Connection::open(path)?;
    c.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;",
    )?;
    c.execute_batch(SCHEMA_SQLITE)?;
    // Staff credentials expire (added after the first release: older files get the column).
    if let Err(e) = c.execute_batch("ALTER TABLE staff ADD COLUMN expires_at TEXT")
        && !e.to_string().contains("duplicate column")
    {
        return Err(e.into());
    }
    // Later columns: an office's province (HuSEC's scopes), a server account's provinces.
    for alter in [
        "ALTER TABLE offices ADD COLUMN province TEXT",
        "ALTER TABLE hotline_users ADD COLUMN provinces TEXT",
        // the device whose own change a record is, exactly (not sent back to it)
        "ALTER TABLE records ADD COLUMN echo_device TEXT",
    ] {
        if let Err(e) = c.execute_batch(alter)
            && !e.to_string().contains("duplicate column")
        {
            return Err(e.into());
        }
    }
    c.execute_batch(ATTACHMENT_INDEX_SQLITE)?;
    Ok(c)
}

pub struct SqliteTx<'a>(pub(super) rusqlite::Transaction<'a>);

fn sqlite_track(r: &rusqlite::Row) -> rusqlite::Result<TrackRow> {
    Ok(track_row(
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
        r.get(9)?,
        r.get(10)?,
        r.get(11)?,
        r.get(12)?,
    ))
}

impl SqliteTx<'_> {
    fn tracks(&mut self, filter: &str, args: &[&dyn rusqlite::ToSql]) -> Result<Vec<TrackRow>> {
        let mut st = self
            .0
            .prepare_cached(&format!("SELECT {TRACK_COLS} FROM tracking {filter}"))?;
        let v = st
            .query_map(args, sqlite_track)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(v)
    }
}

fn device_row(r: &rusqlite::Row) -> rusqlite::Result<Device> {
    Ok(Device {
        id: r.get(0)?,
        office: r.get(1)?,
        name: r.get(2)?,
        high_water: r.get::<_, i64>(3)? as u64,
        revoked: r.get::<_, Option<String>>(4)?.is_some(),
        diverged: r.get::<_, Option<String>>(5)?.is_some(),
    })
}

impl Tx for SqliteTx<'_> {
    fn lock_device(&mut self, id: &str) -> Result<Option<Device>> {
        use rusqlite::OptionalExtension;
        Ok(self
            .0
            .query_row(
                &format!("SELECT {DEVICE_COLS} FROM devices WHERE id = ?1"),
                [id],
                device_row,
            )
            .optional()?)
    }
    fn device_by_token(&mut self, token_hash: &str) -> Result<Option<Device>> {
        use rusqlite::OptionalExtension;
        Ok(self
            .0
            .query_row(
                &format!("SELECT {DEVICE_COLS} FROM devices WHERE token_hash = ?1"),
                [token_hash],
                device_row,
            )
            .optional()?)
    }
    fn seen_hash(&mut self, device: &str, seq: u64) -> Result<Option<String>> {
        use rusqlite::OptionalExtension;
        Ok(self
            .0
            .query_row(
                "SELECT hash FROM mutations WHERE device_id = ?1 AND seq = ?2",
                rusqlite::params![device, seq as i64],
                |r| r.get(0),
            )
            .optional()?)
    }
    fn record(&mut self, entity: &str, key: &str) -> Result<Option<(String, String)>> {
        use rusqlite::OptionalExtension;
        Ok(self
            .0
            .query_row(
                "SELECT office, fields FROM records WHERE entity = ?1 AND record_key = ?2",
                [entity, key],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }
    fn put_record(
        &mut self,
        entity: &str,
        key: &str,
        record_id: &str,
        office: &str,
        fields: &str,
        position: u64,
        now: &str,
        echo: Option<&str>,
    ) -> Result<()> {
        self.0
            .prepare_cached(
                "INSERT INTO records (entity, record_key, record_id, office, fields, position,
                     updated_at, echo_device)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT (entity, record_key) DO UPDATE SET fields = excluded.fields,
                     position = excluded.position, updated_at = excluded.updated_at,
                     echo_device = excluded.echo_device",
            )?
            .execute(rusqlite::params![
                entity,
                key,
                record_id,
                office,
                fields,
                position as i64,
                now,
                echo
            ])?;
        Ok(())
    }
    fn lock_writes(&mut self) -> Result<()> {
        // An IMMEDIATE transaction already holds SQLite's one write lock.
        Ok(())
    }
    fn next_position(&mut self) -> Result<u64> {
        Ok(self.0.query_row(
            "UPDATE sequencer SET position = position + 1 WHERE id = 1 RETURNING position",
            [],
            |r| r.get::<_, i64>(0),
        )? as u64)
    }
    fn add_conflict(
        &mut self,
        office: &str,
        entity: &str,
        record_id: &str,
        field: &str,
        server_value: &str,
        device_value: &str,
        device: &str,
        seq: u64,
        now: &str,
    ) -> Result<()> {
        self.0.execute(
            "INSERT INTO conflicts (office, entity, record_id, field, server_value, device_value,
                 device_id, seq, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            rusqlite::params![
                office,
                entity,
                record_id,
                field,
                server_value,
                device_value,
                device,
                seq as i64,
                now
            ],
        )?;
        Ok(())
    }
    fn add_mutation(&mut self, device: &str, seq: u64, hash: &str, outcome: &str) -> Result<()> {
        self.0.execute(
            "INSERT INTO mutations (device_id, seq, hash, outcome) VALUES (?1, ?2, ?3, ?4)",
            rusqlite::params![device, seq as i64, hash, outcome],
        )?;
        Ok(())
    }
    fn set_high_water(&mut self, device: &str, seq: u64, now: &str) -> Result<()> {
        self.0.execute(
            "UPDATE devices SET high_water = ?2, last_seen_at = ?3 WHERE id = ?1",
            rusqlite::params![device, seq as i64, now],
        )?;
        Ok(())
    }
    fn mark_diverged(&mut self, device: &str, now: &str) -> Result<()> {
        self.0.execute(
            "UPDATE devices SET diverged_at = ?2 WHERE id = ?1",
            [device, now],
        )?;
        Ok(())
    }
    fn pull(
        &mut self,
        office: &str,
        device: &str,
        cursor: u64,
        limit: u32,
    ) -> Result<Vec<PulledRow>> {
        let mut stmt = self.0.prepare_cached(PULL_SQL)?;
        let rows = stmt.query_map(
            rusqlite::params![office, cursor as i64, limit as i64, device],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, i64>(4)?,
                ))
            },
        )?;
        let mut out = Vec::new();
        for row in rows {
            let (e, id, office, fields, pos) = row?;
            out.push(pulled_row(&e, id, office, fields.as_deref(), pos as u64)?);
        }
        Ok(out)
    }
    fn office_exists(&mut self, code: &str) -> Result<bool> {
        Ok(self.0.query_row(
            "SELECT EXISTS (SELECT 1 FROM offices WHERE code = ?1)",
            [code],
            |r| r.get(0),
        )?)
    }
    fn set_visible(&mut self, entity: &str, key: &str, office: &str) -> Result<()> {
        self.0.execute(
            "INSERT INTO visibility (entity, record_key, office) VALUES (?1, ?2, ?3)
             ON CONFLICT DO NOTHING",
            [entity, key, office],
        )?;
        Ok(())
    }
    fn is_visible(&mut self, entity: &str, key: &str, office: &str) -> Result<bool> {
        Ok(self.0.query_row(
            "SELECT EXISTS (SELECT 1 FROM visibility WHERE entity = ?1 AND record_key = ?2
                 AND office = ?3)",
            [entity, key, office],
            |r| r.get(0),
        )?)
    }
    fn add_office(&mut self, code: &str, name: &str, now: &str) -> Result<()> {
        self.0.execute(
            "INSERT INTO offices (code, name, created_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (code) DO UPDATE SET name = excluded.name",
            [code, name, now],
        )?;
        Ok(())
    }
    fn add_enrolment_code(&mut self, hash: &str, office: &str, expires: &str) -> Result<()> {
        self.0.execute(
            "INSERT INTO enrolment_codes (code_hash, office, expires_at) VALUES (?1, ?2, ?3)",
            [hash, office, expires],
        )?;
        Ok(())
    }
    fn take_enrolment_code(&mut self, hash: &str, now: &str) -> Result<Option<String>> {
        use rusqlite::OptionalExtension;
        Ok(self
            .0
            .query_row(
                "UPDATE enrolment_codes SET used_at = ?2
                 WHERE code_hash = ?1 AND used_at IS NULL AND expires_at > ?2
                 RETURNING office",
                [hash, now],
                |r| r.get(0),
            )
            .optional()?)
    }
    fn add_device(
        &mut self,
        id: &str,
        office: &str,
        name: &str,
        token_hash: &str,
        now: &str,
    ) -> Result<()> {
        self.0.execute(
            "INSERT INTO devices (id, office, name, token_hash, enrolled_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            [id, office, name, token_hash, now],
        )?;
        Ok(())
    }
    fn revoke_device(&mut self, id: &str, now: &str) -> Result<bool> {
        Ok(self.0.execute(
            "UPDATE devices SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
            [id, now],
        )? == 1)
    }
    fn devices(&mut self) -> Result<Vec<Device>> {
        let mut stmt = self.0.prepare(&format!(
            "SELECT {DEVICE_COLS} FROM devices ORDER BY enrolled_at"
        ))?;
        let v = stmt
            .query_map([], device_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(v)
    }
    fn add_staff(
        &mut self,
        id: &str,
        name: &str,
        token_hash: &str,
        now: &str,
        expires: &str,
    ) -> Result<()> {
        self.0.execute(
            "INSERT INTO staff (id, name, token_hash, created_at, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            [id, name, token_hash, now, expires],
        )?;
        Ok(())
    }
    fn staff_by_token(&mut self, token_hash: &str, now: &str) -> Result<Option<String>> {
        use rusqlite::OptionalExtension;
        Ok(self
            .0
            .query_row(
                "SELECT name FROM staff WHERE token_hash = ?1 AND revoked_at IS NULL
                   AND (expires_at IS NULL OR expires_at > ?2)",
                [token_hash, now],
                |r| r.get(0),
            )
            .optional()?)
    }
    fn revoke_staff(&mut self, name: &str, now: &str) -> Result<usize> {
        Ok(self.0.execute(
            "UPDATE staff SET revoked_at = ?2 WHERE name = ?1 AND revoked_at IS NULL",
            [name, now],
        )?)
    }
    fn offices(&mut self) -> Result<Vec<(String, String)>> {
        let mut stmt = self
            .0
            .prepare("SELECT code, name FROM offices ORDER BY code")?;
        let v = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(v)
    }
    fn live_attachment_size(&mut self, office: &str, sha256: &str) -> Result<Option<u64>> {
        Ok(self
            .0
            .query_row(
                "SELECT json_extract(fields, '$.size') FROM records
                 WHERE entity = 'attachments' AND office = ?1
                   AND json_extract(fields, '$.sha256') = ?2
                   AND json_extract(fields, '$.removed_at') IS NULL LIMIT 1",
                rusqlite::params![office, sha256],
                |r| r.get::<_, i64>(0),
            )
            .optional()?
            .map(|n| n as u64))
    }
    fn put_blob(&mut self, office: &str, sha256: &str, data: &[u8], now: &str) -> Result<()> {
        self.0.execute(
            "INSERT INTO blobs (office, sha256, data, stored_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (office, sha256) DO NOTHING",
            rusqlite::params![office, sha256, data, now],
        )?;
        Ok(())
    }
    fn blob(&mut self, office: &str, sha256: &str) -> Result<Option<Vec<u8>>> {
        Ok(self
            .0
            .query_row(
                "SELECT data FROM blobs WHERE office = ?1 AND sha256 = ?2",
                rusqlite::params![office, sha256],
                |r| r.get(0),
            )
            .optional()?)
    }
    fn delete_blob(&mut self, office: &str, sha256: &str) -> Result<()> {
        self.0.execute(
            "DELETE FROM blobs WHERE office = ?1 AND sha256 = ?2",
            rusqlite::params![office, sha256],
        )?;
        Ok(())
    }
    fn office_key(&mut self, office: &str) -> Result<Option<String>> {
        Ok(self
            .0
            .query_row(
                "SELECT wrapped FROM office_keys WHERE office = ?1",
                [office],
                |r| r.get(0),
            )
            .optional()?)
    }
    fn put_office_key(&mut self, office: &str, wrapped: &str) -> Result<()> {
        self.0.execute(
            "INSERT INTO office_keys (office, wrapped) VALUES (?1, ?2)",
            [office, wrapped],
        )?;
        Ok(())
    }
    fn office_keys(&mut self) -> Result<Vec<(String, String)>> {
        let mut stmt = self
            .0
            .prepare("SELECT office, wrapped FROM office_keys ORDER BY office")?;
        let v = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(v)
    }
    fn replace_office_key(&mut self, office: &str, wrapped: &str) -> Result<()> {
        self.0.execute(
            "UPDATE office_keys SET wrapped = ?2 WHERE office = ?1",
            [office, wrapped],
        )?;
        Ok(())
    }
    fn put_release(&mut self, r: &Release, data: &[u8]) -> Result<bool> {
        let n = self.0.execute(
            "INSERT INTO releases (target, version, notes_th, notes_en, signature, sha256, size,
                 published_at, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT (target, version) DO NOTHING",
            rusqlite::params![
                r.target,
                r.version,
                r.notes_th,
                r.notes_en,
                r.signature,
                r.sha256,
                r.size as i64,
                r.published_at,
                data
            ],
        )?;
        Ok(n == 1)
    }
    fn releases(&mut self, target: &str) -> Result<Vec<Release>> {
        let mut stmt = self.0.prepare(
            "SELECT target, version, notes_th, notes_en, signature, sha256, size, published_at
             FROM releases WHERE target = ?1",
        )?;
        let v = stmt
            .query_map([target], |r| {
                Ok(Release {
                    target: r.get(0)?,
                    version: r.get(1)?,
                    notes_th: r.get(2)?,
                    notes_en: r.get(3)?,
                    signature: r.get(4)?,
                    sha256: r.get(5)?,
                    size: r.get::<_, i64>(6)? as u64,
                    published_at: r.get(7)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(v)
    }
    fn release_package(&mut self, target: &str, version: &str) -> Result<Option<Vec<u8>>> {
        Ok(self
            .0
            .query_row(
                "SELECT data FROM releases WHERE target = ?1 AND version = ?2",
                rusqlite::params![target, version],
                |r| r.get(0),
            )
            .optional()?)
    }
    fn shared_with(&mut self, entity: &str) -> Result<Vec<String>> {
        let mut stmt = self
            .0
            .prepare("SELECT office FROM visibility WHERE entity = ?1")?;
        let v = stmt
            .query_map([entity], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(v)
    }
    fn all_records(&mut self, entity: &str) -> Result<Vec<(String, String)>> {
        let mut stmt = self
            .0
            .prepare("SELECT office, fields FROM records WHERE entity = ?1 ORDER BY position")?;
        let v = stmt
            .query_map([entity], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(v)
    }
    fn add_admin_key(&mut self, device: &str, office: &str, sealed: &str, now: &str) -> Result<()> {
        self.0.execute(
            "INSERT INTO admin_keys (device_id, office, sealed, added_at) VALUES (?1, ?2, ?3, ?4)",
            [device, office, sealed, now],
        )?;
        Ok(())
    }
    fn admin_keys(&mut self, office: &str) -> Result<Vec<(bool, String)>> {
        let mut stmt = self.0.prepare(
            "SELECT d.revoked_at IS NOT NULL, k.sealed FROM admin_keys k
             JOIN devices d ON d.id = k.device_id WHERE k.office = ?1 ORDER BY k.added_at",
        )?;
        let v = stmt
            .query_map([office], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(v)
    }
    fn office_records(&mut self, entity: &str, office: &str) -> Result<Vec<String>> {
        let mut stmt = self.0.prepare(
            "SELECT fields FROM records WHERE entity = ?1 AND office = ?2 ORDER BY position",
        )?;
        let v = stmt
            .query_map([entity, office], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(v)
    }
    fn add_partner(&mut self, id: &str, name: &str, key_hash: &str, now: &str) -> Result<()> {
        self.0.execute(
            "INSERT INTO partners (id, name, key_hash, created_at) VALUES (?1, ?2, ?3, ?4)",
            [id, name, key_hash, now],
        )?;
        Ok(())
    }
    fn partner_by_key(&mut self, key_hash: &str) -> Result<Option<String>> {
        Ok(self
            .0
            .query_row(
                "SELECT name FROM partners WHERE key_hash = ?1 AND revoked_at IS NULL",
                [key_hash],
                |r| r.get(0),
            )
            .optional()?)
    }
    fn revoke_partner(&mut self, name: &str, now: &str) -> Result<usize> {
        Ok(self.0.execute(
            "UPDATE partners SET revoked_at = ?2 WHERE name = ?1 AND revoked_at IS NULL",
            [name, now],
        )?)
    }
    fn partners(&mut self) -> Result<Vec<(String, String, bool)>> {
        let mut stmt = self.0.prepare(
            "SELECT name, created_at, revoked_at IS NOT NULL FROM partners ORDER BY name",
        )?;
        let v = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(v)
    }
    fn set_route(&mut self, area: &str, office: &str, now: &str) -> Result<()> {
        self.0.execute(
            "INSERT INTO routes (area, office, set_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (area) DO UPDATE SET office = excluded.office, set_at = excluded.set_at",
            [area, office, now],
        )?;
        Ok(())
    }
    fn remove_route(&mut self, area: &str) -> Result<bool> {
        Ok(self
            .0
            .execute("DELETE FROM routes WHERE area = ?1", [area])?
            == 1)
    }
    fn escalation_rules(&mut self) -> Result<Vec<(String, i64, String)>> {
        let mut stmt = self.0.prepare_cached(
            "SELECT step, days, effective_from FROM escalation_rules ORDER BY effective_from, step",
        )?;
        let v = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(v)
    }
    fn add_escalation_rule(
        &mut self,
        step: &str,
        days: i64,
        from: &str,
        by: &str,
        now: &str,
    ) -> Result<bool> {
        Ok(self.0.execute(
            "INSERT INTO escalation_rules (step, days, effective_from, added_by, added_at)
             VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (step, effective_from) DO NOTHING",
            rusqlite::params![step, days, from, by, now],
        )? == 1)
    }
    fn routes(&mut self) -> Result<Vec<(String, String)>> {
        let mut stmt = self
            .0
            .prepare("SELECT area, office FROM routes ORDER BY area")?;
        let v = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(v)
    }
    fn request_key(&mut self, source: &str, key: &str) -> Result<Option<(String, String)>> {
        Ok(self
            .0
            .query_row(
                "SELECT body_hash, request_id FROM request_keys WHERE source = ?1 AND idem_key = ?2",
                [source, key],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }
    fn put_request_key(
        &mut self,
        source: &str,
        key: &str,
        body_hash: &str,
        request_id: &str,
        now: &str,
    ) -> Result<()> {
        self.0.execute(
            "INSERT INTO request_keys (source, idem_key, body_hash, request_id, at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            [source, key, body_hash, request_id, now],
        )?;
        Ok(())
    }
    fn move_record(&mut self, entity: &str, key: &str, office: &str) -> Result<()> {
        self.0.execute(
            "UPDATE records SET office = ?3 WHERE entity = ?1 AND record_key = ?2",
            [entity, key, office],
        )?;
        Ok(())
    }
    fn add_hotline_user(
        &mut self,
        username: &str,
        full_name: &str,
        role: &str,
        pw_hash: &str,
        now: &str,
    ) -> Result<()> {
        self.0.execute(
            "INSERT INTO hotline_users (username, full_name, role, pw_hash, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (username) DO UPDATE SET full_name = excluded.full_name,
                 role = excluded.role, pw_hash = excluded.pw_hash, disabled_at = NULL",
            [username, full_name, role, pw_hash, now],
        )?;
        Ok(())
    }
    fn hotline_user(&mut self, username: &str) -> Result<Option<(String, String, String)>> {
        Ok(self
            .0
            .query_row(
                "SELECT full_name, role, pw_hash FROM hotline_users
                 WHERE username = ?1 AND disabled_at IS NULL",
                [username],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?)
    }
    fn disable_hotline_user(&mut self, username: &str, now: &str) -> Result<usize> {
        let n = self.0.execute(
            "UPDATE hotline_users SET disabled_at = ?2 WHERE username = ?1 AND disabled_at IS NULL",
            [username, now],
        )?;
        self.0.execute(
            "DELETE FROM console_sessions WHERE username = ?1",
            [username],
        )?;
        Ok(n)
    }
    fn add_console_session(
        &mut self,
        token_hash: &str,
        username: &str,
        csrf: &str,
        expires: &str,
    ) -> Result<()> {
        self.0.execute(
            "INSERT INTO console_sessions (token_hash, username, csrf, expires_at) VALUES (?1, ?2, ?3, ?4)",
            [token_hash, username, csrf, expires],
        )?;
        Ok(())
    }
    fn console_session(&mut self, token_hash: &str, now: &str) -> Result<Option<(String, String)>> {
        Ok(self
            .0
            .query_row(
                "SELECT s.username, s.csrf FROM console_sessions s
                 JOIN hotline_users u ON u.username = s.username AND u.disabled_at IS NULL
                 WHERE s.token_hash = ?1 AND s.expires_at > ?2",
                [token_hash, now],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }
    fn delete_console_session(&mut self, token_hash: &str) -> Result<()> {
        self.0.execute(
            "DELETE FROM console_sessions WHERE token_hash = ?1",
            [token_hash],
        )?;
        Ok(())
    }
    fn requests_of_source(&mut self, source: &str, limit: u32) -> Result<Vec<String>> {
        let mut stmt = self.0.prepare(
            "SELECT request_id FROM request_keys WHERE source = ?1 ORDER BY at DESC LIMIT ?2",
        )?;
        let v = stmt
            .query_map(rusqlite::params![source, limit], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(v)
    }
    fn add_volunteer_token(
        &mut self,
        token_hash: &str,
        volunteer_id: &str,
        office: &str,
        code_hash: &str,
        now: &str,
    ) -> Result<bool> {
        Ok(self.0.execute(
            "INSERT INTO volunteer_tokens (token_hash, volunteer_id, office, code_hash, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (code_hash) DO NOTHING",
            [token_hash, volunteer_id, office, code_hash, now],
        )? == 1)
    }
    fn volunteer_token(&mut self, token_hash: &str) -> Result<Option<(String, String, String)>> {
        Ok(self
            .0
            .query_row(
                "SELECT volunteer_id, office, code_hash FROM volunteer_tokens WHERE token_hash = ?1",
                [token_hash],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?)
    }
    fn track(&mut self, kind: &str, id: &str) -> Result<Option<TrackRow>> {
        Ok(self
            .0
            .query_row(
                &format!("SELECT {TRACK_COLS} FROM tracking WHERE kind = ?1 AND id = ?2"),
                [kind, id],
                sqlite_track,
            )
            .optional()?)
    }
    fn track_children(&mut self, kind: &str, parent: &str) -> Result<Vec<TrackRow>> {
        self.tracks(
            "WHERE parent = ?1 AND kind = ?2 ORDER BY id",
            &[&parent, &kind],
        )
    }
    fn track_office(&mut self, office: &str) -> Result<Vec<TrackRow>> {
        self.tracks("WHERE office = ?1 ORDER BY kind, id", &[&office])
    }
    fn all_track(&mut self) -> Result<Vec<TrackRow>> {
        self.tracks("ORDER BY kind, id", &[])
    }
    fn put_track(&mut self, r: &TrackRow) -> Result<()> {
        let p = track_params(r);
        self.0.execute(
            &format!(
                "INSERT INTO tracking ({TRACK_COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?13, ?9, ?10, ?11, ?12)
                 ON CONFLICT (kind, id) DO UPDATE SET office = excluded.office, parent = excluded.parent,
                   number = excluded.number, status = excluded.status, channel = excluded.channel,
                   urgency = excluded.urgency, assigned = excluded.assigned,
                   started_on = excluded.started_on, due_milestone = excluded.due_milestone,
                   due_on = excluded.due_on, facts = excluded.facts"
            ),
            rusqlite::params![
                p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], p[11],
                i64::from(r.assigned)
            ],
        )?;
        Ok(())
    }
    fn bump_figures(&mut self, deltas: &[(String, String, i64)]) -> Result<()> {
        let mut st = self.0.prepare_cached(
            "INSERT INTO figures (office, key, n) VALUES (?1, ?2, ?3)
             ON CONFLICT (office, key) DO UPDATE SET n = figures.n + excluded.n",
        )?;
        for (o, k, n) in deltas {
            st.execute(rusqlite::params![o, k, n])?;
        }
        Ok(())
    }
    fn figures(&mut self) -> Result<Vec<(String, String, i64)>> {
        let mut st = self.0.prepare_cached(
            "SELECT office, key, n FROM figures WHERE n <> 0 ORDER BY office, key",
        )?;
        let v = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(v)
    }
    fn late_counts(&mut self, today: &str) -> Result<Vec<(String, String, i64)>> {
        let mut st = self.0.prepare_cached(
            "SELECT office, kind, count(*) FROM tracking WHERE due_on < ?1 GROUP BY office, kind",
        )?;
        let v = st
            .query_map([today], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(v)
    }
    fn late_rows(&mut self, q: &tracking::LateQuery) -> Result<(Vec<TrackRow>, u64)> {
        let filter = "WHERE due_on < ?1
            AND (?2 = '' OR instr(char(31) || ?2 || char(31), char(31) || office || char(31)) > 0)
            AND (?3 = '' OR kind = ?3) AND (?4 = '' OR channel = ?4)
            AND (?5 = '' OR due_milestone = ?5)
            AND (?6 = '' OR (?6 = 'yes') = (assigned <> 0))";
        let (cutoff, offices) = (q.cutoff(), q.office_list());
        let args = rusqlite::params![cutoff, offices, q.kind, q.channel, q.milestone, q.assigned];
        let total: i64 = self
            .0
            .prepare_cached(&format!("SELECT count(*) FROM tracking {filter}"))?
            .query_row(args, |r| r.get(0))?;
        let mut st = self.0.prepare_cached(&format!(
            "SELECT {TRACK_COLS} FROM tracking {filter} ORDER BY {} LIMIT ?7 OFFSET ?8",
            q.sort.order_by()
        ))?;
        let rows = st
            .query_map(
                rusqlite::params![
                    cutoff,
                    offices,
                    q.kind,
                    q.channel,
                    q.milestone,
                    q.assigned,
                    i64::from(q.limit),
                    i64::from(q.offset)
                ],
                sqlite_track,
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok((rows, total as u64))
    }
    fn clear_tracking(&mut self) -> Result<()> {
        self.0.execute_batch(
            "DELETE FROM tracking; DELETE FROM figures; DELETE FROM tracking_state;",
        )?;
        Ok(())
    }
    fn tracking_built(&mut self) -> Result<bool> {
        Ok(self
            .0
            .query_row("SELECT 1 FROM tracking_state WHERE id = 1", [], |_| Ok(()))
            .optional()?
            .is_some())
    }
    fn set_tracking_built(&mut self) -> Result<()> {
        self.0.execute(
            "INSERT INTO tracking_state (id, built_at) VALUES (1, ?1)
             ON CONFLICT (id) DO UPDATE SET built_at = excluded.built_at",
            [chrono::Utc::now().to_rfc3339()],
        )?;
        Ok(())
    }
    fn visible_to(&mut self, entity: &str, key: &str) -> Result<Vec<String>> {
        let mut st = self.0.prepare_cached(
            "SELECT office FROM visibility WHERE entity = ?1 AND record_key = ?2 ORDER BY office",
        )?;
        let v = st
            .query_map([entity, key], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(v)
    }
    fn all_records_keyed(&mut self, entity: &str) -> Result<Vec<(String, String, String)>> {
        let mut st = self.0.prepare(
            "SELECT office, record_key, fields FROM records WHERE entity = ?1 ORDER BY position",
        )?;
        let v = st
            .query_map([entity], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(v)
    }
    fn set_office_province(&mut self, office: &str, province: &str) -> Result<bool> {
        Ok(self.0.execute(
            "UPDATE offices SET province = ?2 WHERE code = ?1",
            [office, province],
        )? == 1)
    }
    fn office_provinces(&mut self) -> Result<Vec<(String, Option<String>)>> {
        let mut st = self
            .0
            .prepare_cached("SELECT code, province FROM offices ORDER BY code")?;
        let v = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(v)
    }
    fn set_account_provinces(&mut self, username: &str, provinces: &str) -> Result<()> {
        self.0.execute(
            "UPDATE hotline_users SET provinces = ?2 WHERE username = ?1",
            [username, provinces],
        )?;
        Ok(())
    }
    fn account_provinces(&mut self, username: &str) -> Result<Option<String>> {
        Ok(self
            .0
            .query_row(
                "SELECT provinces FROM hotline_users WHERE username = ?1",
                [username],
                |r| r.get::<_, Option<String>>(0),
            )
            .optional()?
            .flatten())
    }
    fn add_server_audit(&mut self, e: &AuditEntry) -> Result<()> {
        self.0.execute(
            "INSERT INTO server_audit (id, at, username, action, office, target, reason)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            [
                &e.id,
                &e.at,
                &e.username,
                &e.action,
                &e.office,
                &e.target,
                &e.reason,
            ],
        )?;
        Ok(())
    }
    fn server_audit(&mut self, office: Option<&str>, limit: u32) -> Result<Vec<AuditEntry>> {
        let mut st = self.0.prepare_cached(
            "SELECT id, at, username, action, office, target, reason FROM server_audit
             WHERE (?1 = '' OR office = ?1) ORDER BY at DESC, id DESC LIMIT ?2",
        )?;
        let v = st
            .query_map(
                rusqlite::params![office.unwrap_or(""), i64::from(limit)],
                |r| {
                    Ok(AuditEntry {
                        id: r.get(0)?,
                        at: r.get(1)?,
                        username: r.get(2)?,
                        action: r.get(3)?,
                        office: r.get(4)?,
                        target: r.get(5)?,
                        reason: r.get(6)?,
                    })
                },
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(v)
    }
}
