//! The PostgreSQL backend (national scale): a small connection pool, statements prepared
//! once per connection, `SELECT … FOR UPDATE` on the device and the sequencer row; its
//! schema is created here.

use std::sync::Mutex;

use super::*;

/// A PostgreSQL connection with the statements prepared on it.
pub type PgConnection = (
    postgres::Client,
    std::collections::HashMap<String, postgres::Statement>,
);

/// broke (server restart, network) is dropped instead of returned.
pub struct PgPool {
    url: String,
    tls: Option<tokio_postgres_rustls::MakeRustlsConnect>,
    max: usize,
    state: Mutex<(Vec<PgConnection>, usize)>,
    returned: std::sync::Condvar,
}

/// Default number of PostgreSQL connections (`RAKSA_PG_POOL` overrides it).
pub const PG_POOL_DEFAULT: usize = 8;

pub(super) struct PooledPg<'a> {
    pool: &'a PgPool,
    pub(super) conn: Option<PgConnection>,
}

impl PgPool {
    pub(super) fn get(&self) -> Result<PooledPg<'_>> {
        let mut st = lock(&self.state);
        loop {
            if let Some(conn) = st.0.pop() {
                return Ok(PooledPg {
                    pool: self,
                    conn: Some(conn),
                });
            }
            if st.1 < self.max {
                st.1 += 1;
                drop(st);
                return match connect(&self.url, self.tls.as_ref()) {
                    Ok(c) => Ok(PooledPg {
                        pool: self,
                        conn: Some((c, std::collections::HashMap::new())),
                    }),
                    Err(e) => {
                        lock(&self.state).1 -= 1;
                        self.returned.notify_one();
                        Err(e.into())
                    }
                };
            }
            st = self.returned.wait(st).unwrap_or_else(|p| p.into_inner());
        }
    }
}

impl Drop for PooledPg<'_> {
    fn drop(&mut self) {
        let mut st = lock(&self.pool.state);
        match self.conn.take() {
            Some(c) if !c.0.is_closed() => st.0.push(c),
            _ => st.1 -= 1,
        }
        drop(st);
        self.pool.returned.notify_one();
    }
}

impl PgPool {
    /// Connects, creates the schema and keeps the first connection in the pool
    /// (`RAKSA_PG_POOL` connections at most).
    pub(super) fn open(url: &str) -> Result<PgPool> {
        let max = std::env::var("RAKSA_PG_POOL")
            .ok()
            .and_then(|v| v.parse().ok())
            .filter(|n| *n > 0)
            .unwrap_or(PG_POOL_DEFAULT);
        let (url, tls) = tls_of(url)?;
        let mut c = connect(&url, tls.as_ref())?;
        c.batch_execute(&schema())?;
        c.batch_execute(
            "ALTER TABLE staff ADD COLUMN IF NOT EXISTS expires_at TEXT;
             ALTER TABLE offices ADD COLUMN IF NOT EXISTS province TEXT;
             ALTER TABLE hotline_users ADD COLUMN IF NOT EXISTS provinces TEXT;
             ALTER TABLE records ADD COLUMN IF NOT EXISTS echo_device TEXT;",
        )?;
        c.batch_execute(ATTACHMENT_INDEX_POSTGRES)?;
        Ok(PgPool {
            url,
            tls,
            max,
            state: Mutex::new((vec![(c, std::collections::HashMap::new())], 1)),
            returned: std::sync::Condvar::new(),
        })
    }
}

fn connect(
    url: &str,
    tls: Option<&tokio_postgres_rustls::MakeRustlsConnect>,
) -> std::result::Result<postgres::Client, postgres::Error> {
    match tls {
        Some(t) => postgres::Client::connect(url, t.clone()),
        None => postgres::Client::connect(url, postgres::NoTls),
    }
}

/// TLS for the connection URL's `sslmode`: `verify-full` (and `require`, which Raksa treats
/// the same: an unverified certificate protects nothing against the network it is meant
/// for) encrypts and verifies the server's certificate and host name against
/// `sslrootcert` (a PEM file; default: the system's CA bundle). `disable` and `prefer` (or
/// none) connect in clear, for a database on the same host. `verify-ca`, which would accept
/// any host the CA ever certified, is refused. Returns the URL with Raksa's own parameters
/// taken out (the client library knows only disable/prefer/require).
pub(super) fn tls_of(
    url: &str,
) -> Result<(String, Option<tokio_postgres_rustls::MakeRustlsConnect>)> {
    let bad = |m: String| StoreError::Db(m);
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let mut mode = String::new();
    let mut root: Option<String> = None;
    let mut rest = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            Some(("sslmode", v)) => mode = v.to_owned(),
            Some(("sslrootcert", v)) => root = Some(v.replace("%2F", "/")),
            _ => rest.push(pair.to_owned()),
        }
    }
    let tls = match mode.as_str() {
        "" | "disable" | "prefer" => None,
        "require" | "verify-full" => {
            use tokio_rustls::rustls::pki_types::CertificateDer;
            use tokio_rustls::rustls::pki_types::pem::PemObject;
            let path = root.unwrap_or_else(|| "/etc/ssl/certs/ca-certificates.crt".to_owned());
            let mut roots = tokio_rustls::rustls::RootCertStore::empty();
            let certs = CertificateDer::pem_file_iter(&path)
                .map_err(|e| bad(format!("sslrootcert {path}: {e}")))?;
            for c in certs {
                let c = c.map_err(|e| bad(format!("sslrootcert {path}: {e}")))?;
                roots
                    .add(c)
                    .map_err(|e| bad(format!("sslrootcert {path}: {e}")))?;
            }
            if roots.is_empty() {
                return Err(bad(format!("sslrootcert {path}: no certificate")));
            }
            let provider =
                std::sync::Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
            let config = tokio_rustls::rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .map_err(|e| bad(e.to_string()))?
                .with_root_certificates(roots)
                .with_no_client_auth();
            rest.push("sslmode=require".to_owned());
            Some(tokio_postgres_rustls::MakeRustlsConnect::new(config))
        }
        other => {
            return Err(bad(format!(
                "sslmode={other} is not supported: use sslmode=verify-full (with sslrootcert=…)"
            )));
        }
    };
    let url = if rest.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", rest.join("&"))
    };
    Ok((url, tls))
}

/// The same tables as SQLite's schema, in PostgreSQL's types (one text, two dialects).
fn schema() -> String {
    super::sqlite::SCHEMA_SQLITE
        .replace("INTEGER PRIMARY KEY AUTOINCREMENT", "BIGSERIAL PRIMARY KEY")
        .replace("data BLOB NOT NULL", "data BYTEA NOT NULL")
}

const ATTACHMENT_INDEX_POSTGRES: &str = "
CREATE INDEX IF NOT EXISTS records_attachment_sha ON records
    (office, ((fields::jsonb) ->> 'sha256')) WHERE entity = 'attachments';";

pub struct PgTx<'a>(
    pub(super) postgres::Transaction<'a>,
    pub(super) &'a mut std::collections::HashMap<String, postgres::Statement>,
);

impl PgTx<'_> {
    /// Runs a statement prepared once per connection (saves a round trip per call).
    fn run<R>(
        &mut self,
        sql: impl AsRef<str>,
        f: impl FnOnce(
            &mut postgres::Transaction<'_>,
            &postgres::Statement,
        ) -> std::result::Result<R, postgres::Error>,
    ) -> Result<R> {
        let sql = sql.as_ref();
        let st = match self.1.get(sql) {
            Some(st) => st.clone(),
            None => {
                let st = self.0.prepare(sql)?;
                self.1.insert(sql.to_owned(), st.clone());
                st
            }
        };
        Ok(f(&mut self.0, &st)?)
    }
}

/// SQLite's numbered parameters (`?1`) as PostgreSQL's (`$1`), for a statement written
/// once for both backends.
fn pg_params(sql: &str) -> String {
    sql.replace('?', "$")
}

fn pg_track(r: &postgres::Row) -> TrackRow {
    track_row(
        r.get(0),
        r.get(1),
        r.get(2),
        r.get(3),
        r.get(4),
        r.get(5),
        r.get(6),
        r.get(7),
        r.get(8),
        r.get(9),
        r.get(10),
        r.get(11),
        r.get(12),
    )
}

impl PgTx<'_> {
    fn tracks(
        &mut self,
        filter: &str,
        args: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> Result<Vec<TrackRow>> {
        Ok(self
            .run(
                format!("SELECT {TRACK_COLS} FROM tracking {filter}"),
                |t, st| t.query(st, args),
            )?
            .iter()
            .map(pg_track)
            .collect())
    }
}

fn pg_device(r: &postgres::Row) -> Device {
    Device {
        id: r.get(0),
        office: r.get(1),
        name: r.get(2),
        high_water: r.get::<_, i64>(3) as u64,
        revoked: r.get::<_, Option<String>>(4).is_some(),
        diverged: r.get::<_, Option<String>>(5).is_some(),
    }
}

impl Tx for PgTx<'_> {
    fn lock_device(&mut self, id: &str) -> Result<Option<Device>> {
        Ok(self
            .run(
                format!("SELECT {DEVICE_COLS} FROM devices WHERE id = $1 FOR UPDATE"),
                |t, st| t.query_opt(st, &[&id]),
            )?
            .map(|r| pg_device(&r)))
    }
    fn device_by_token(&mut self, token_hash: &str) -> Result<Option<Device>> {
        Ok(self
            .run(
                format!("SELECT {DEVICE_COLS} FROM devices WHERE token_hash = $1"),
                |t, st| t.query_opt(st, &[&token_hash]),
            )?
            .map(|r| pg_device(&r)))
    }
    fn seen_hash(&mut self, device: &str, seq: u64) -> Result<Option<String>> {
        Ok(self
            .run(
                "SELECT hash FROM mutations WHERE device_id = $1 AND seq = $2",
                |t, st| t.query_opt(st, &[&device, &(seq as i64)]),
            )?
            .map(|r| r.get(0)))
    }
    fn record(&mut self, entity: &str, key: &str) -> Result<Option<(String, String)>> {
        Ok(self
            .run(
                "SELECT office, fields FROM records WHERE entity = $1 AND record_key = $2",
                |t, st| t.query_opt(st, &[&entity, &key]),
            )?
            .map(|r| (r.get(0), r.get(1))))
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
        self.run("INSERT INTO records (entity, record_key, record_id, office, fields, position, updated_at,
                 echo_device)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (entity, record_key) DO UPDATE SET fields = excluded.fields,
                 position = excluded.position, updated_at = excluded.updated_at,
                 echo_device = excluded.echo_device", |t, st| t.execute(st, &[&entity, &key, &record_id, &office, &fields, &(position as i64), &now, &echo]))?;
        Ok(())
    }
    fn lock_writes(&mut self) -> Result<()> {
        self.run(
            "SELECT position FROM sequencer WHERE id = 1 FOR UPDATE",
            |t, st| t.query_one(st, &[]),
        )?;
        Ok(())
    }
    fn next_position(&mut self) -> Result<u64> {
        // The row lock is held until commit: positions follow commit order.
        Ok(self
            .run(
                "UPDATE sequencer SET position = position + 1 WHERE id = 1 RETURNING position",
                |t, st| t.query_one(st, &[]),
            )?
            .get::<_, i64>(0) as u64)
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
        self.run(
            "INSERT INTO conflicts (office, entity, record_id, field, server_value, device_value,
                 device_id, seq, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            |t, st| {
                t.execute(
                    st,
                    &[
                        &office,
                        &entity,
                        &record_id,
                        &field,
                        &server_value,
                        &device_value,
                        &device,
                        &(seq as i64),
                        &now,
                    ],
                )
            },
        )?;
        Ok(())
    }
    fn add_mutation(&mut self, device: &str, seq: u64, hash: &str, outcome: &str) -> Result<()> {
        self.run(
            "INSERT INTO mutations (device_id, seq, hash, outcome) VALUES ($1, $2, $3, $4)",
            |t, st| t.execute(st, &[&device, &(seq as i64), &hash, &outcome]),
        )?;
        Ok(())
    }
    fn set_high_water(&mut self, device: &str, seq: u64, now: &str) -> Result<()> {
        self.run(
            "UPDATE devices SET high_water = $2, last_seen_at = $3 WHERE id = $1",
            |t, st| t.execute(st, &[&device, &(seq as i64), &now]),
        )?;
        Ok(())
    }
    fn mark_diverged(&mut self, device: &str, now: &str) -> Result<()> {
        self.run(
            "UPDATE devices SET diverged_at = $2 WHERE id = $1",
            |t, st| t.execute(st, &[&device, &now]),
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
        let sql = pg_params(PULL_SQL);
        let rows = self.run(&sql, |t, st| {
            t.query(st, &[&office, &(cursor as i64), &(limit as i64), &device])
        })?;
        rows.iter()
            .map(|r| {
                pulled_row(
                    r.get::<_, &str>(0),
                    r.get(1),
                    r.get(2),
                    r.get::<_, Option<&str>>(3),
                    r.get::<_, i64>(4) as u64,
                )
            })
            .collect()
    }
    fn office_exists(&mut self, code: &str) -> Result<bool> {
        Ok(self
            .run(
                "SELECT EXISTS (SELECT 1 FROM offices WHERE code = $1)",
                |t, st| t.query_one(st, &[&code]),
            )?
            .get(0))
    }
    fn set_visible(&mut self, entity: &str, key: &str, office: &str) -> Result<()> {
        self.run(
            "INSERT INTO visibility (entity, record_key, office) VALUES ($1, $2, $3)
             ON CONFLICT DO NOTHING",
            |t, st| t.execute(st, &[&entity, &key, &office]),
        )?;
        Ok(())
    }
    fn is_visible(&mut self, entity: &str, key: &str, office: &str) -> Result<bool> {
        Ok(self
            .run(
                "SELECT EXISTS (SELECT 1 FROM visibility WHERE entity = $1 AND record_key = $2
                     AND office = $3)",
                |t, st| t.query_one(st, &[&entity, &key, &office]),
            )?
            .get(0))
    }
    fn add_office(&mut self, code: &str, name: &str, now: &str) -> Result<()> {
        self.run(
            "INSERT INTO offices (code, name, created_at) VALUES ($1, $2, $3)
             ON CONFLICT (code) DO UPDATE SET name = excluded.name",
            |t, st| t.execute(st, &[&code, &name, &now]),
        )?;
        Ok(())
    }
    fn add_enrolment_code(&mut self, hash: &str, office: &str, expires: &str) -> Result<()> {
        self.run(
            "INSERT INTO enrolment_codes (code_hash, office, expires_at) VALUES ($1, $2, $3)",
            |t, st| t.execute(st, &[&hash, &office, &expires]),
        )?;
        Ok(())
    }
    fn take_enrolment_code(&mut self, hash: &str, now: &str) -> Result<Option<String>> {
        Ok(self
            .run(
                "UPDATE enrolment_codes SET used_at = $2
                 WHERE code_hash = $1 AND used_at IS NULL AND expires_at > $2
                 RETURNING office",
                |t, st| t.query_opt(st, &[&hash, &now]),
            )?
            .map(|r| r.get(0)))
    }
    fn add_device(
        &mut self,
        id: &str,
        office: &str,
        name: &str,
        token_hash: &str,
        now: &str,
    ) -> Result<()> {
        self.run(
            "INSERT INTO devices (id, office, name, token_hash, enrolled_at)
             VALUES ($1, $2, $3, $4, $5)",
            |t, st| t.execute(st, &[&id, &office, &name, &token_hash, &now]),
        )?;
        Ok(())
    }
    fn revoke_device(&mut self, id: &str, now: &str) -> Result<bool> {
        Ok(self.run(
            "UPDATE devices SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
            |t, st| t.execute(st, &[&id, &now]),
        )? == 1)
    }
    fn devices(&mut self) -> Result<Vec<Device>> {
        Ok(self
            .run(
                format!("SELECT {DEVICE_COLS} FROM devices ORDER BY enrolled_at"),
                |t, st| t.query(st, &[]),
            )?
            .iter()
            .map(pg_device)
            .collect())
    }
    fn add_staff(
        &mut self,
        id: &str,
        name: &str,
        token_hash: &str,
        now: &str,
        expires: &str,
    ) -> Result<()> {
        self.run(
            "INSERT INTO staff (id, name, token_hash, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5)",
            |t, st| t.execute(st, &[&id, &name, &token_hash, &now, &expires]),
        )?;
        Ok(())
    }
    fn staff_by_token(&mut self, token_hash: &str, now: &str) -> Result<Option<String>> {
        Ok(self
            .run(
                "SELECT name FROM staff WHERE token_hash = $1 AND revoked_at IS NULL
                   AND (expires_at IS NULL OR expires_at > $2)",
                |t, st| t.query_opt(st, &[&token_hash, &now]),
            )?
            .map(|r| r.get(0)))
    }
    fn revoke_staff(&mut self, name: &str, now: &str) -> Result<usize> {
        Ok(self.run(
            "UPDATE staff SET revoked_at = $2 WHERE name = $1 AND revoked_at IS NULL",
            |t, st| t.execute(st, &[&name, &now]),
        )? as usize)
    }
    fn offices(&mut self) -> Result<Vec<(String, String)>> {
        Ok(self
            .run("SELECT code, name FROM offices ORDER BY code", |t, st| {
                t.query(st, &[])
            })?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect())
    }
    fn live_attachment_size(&mut self, office: &str, sha256: &str) -> Result<Option<u64>> {
        Ok(self
            .run(
                "SELECT (fields::jsonb ->> 'size')::bigint FROM records
                 WHERE entity = 'attachments' AND office = $1
                   AND fields::jsonb ->> 'sha256' = $2
                   AND fields::jsonb ->> 'removed_at' IS NULL LIMIT 1",
                |t, st| t.query_opt(st, &[&office, &sha256]),
            )?
            .map(|r| r.get::<_, i64>(0) as u64))
    }
    fn office_key(&mut self, office: &str) -> Result<Option<String>> {
        Ok(self
            .run(
                "SELECT wrapped FROM office_keys WHERE office = $1",
                |t, st| t.query_opt(st, &[&office]),
            )?
            .map(|r| r.get(0)))
    }
    fn put_office_key(&mut self, office: &str, wrapped: &str) -> Result<()> {
        self.run(
            "INSERT INTO office_keys (office, wrapped) VALUES ($1, $2)",
            |t, st| t.execute(st, &[&office, &wrapped]),
        )?;
        Ok(())
    }
    fn office_keys(&mut self) -> Result<Vec<(String, String)>> {
        Ok(self
            .run(
                "SELECT office, wrapped FROM office_keys ORDER BY office",
                |t, st| t.query(st, &[]),
            )?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect())
    }
    fn replace_office_key(&mut self, office: &str, wrapped: &str) -> Result<()> {
        self.run(
            "UPDATE office_keys SET wrapped = $2 WHERE office = $1",
            |t, st| t.execute(st, &[&office, &wrapped]),
        )?;
        Ok(())
    }
    fn put_release(&mut self, r: &Release, data: &[u8]) -> Result<bool> {
        let size = r.size as i64;
        let n = self.run(
            "INSERT INTO releases (target, version, notes_th, notes_en, signature, sha256, size,
                 published_at, data) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
             ON CONFLICT (target, version) DO NOTHING",
            |t, st| {
                t.execute(
                    st,
                    &[
                        &r.target,
                        &r.version,
                        &r.notes_th,
                        &r.notes_en,
                        &r.signature,
                        &r.sha256,
                        &size,
                        &r.published_at,
                        &data,
                    ],
                )
            },
        )?;
        Ok(n == 1)
    }
    fn releases(&mut self, target: &str) -> Result<Vec<Release>> {
        let rows = self.run(
            "SELECT target, version, notes_th, notes_en, signature, sha256, size, published_at
             FROM releases WHERE target = $1",
            |t, st| t.query(st, &[&target]),
        )?;
        Ok(rows
            .iter()
            .map(|r| Release {
                target: r.get(0),
                version: r.get(1),
                notes_th: r.get(2),
                notes_en: r.get(3),
                signature: r.get(4),
                sha256: r.get(5),
                size: r.get::<_, i64>(6) as u64,
                published_at: r.get(7),
            })
            .collect())
    }
    fn release_package(&mut self, target: &str, version: &str) -> Result<Option<Vec<u8>>> {
        Ok(self
            .run(
                "SELECT data FROM releases WHERE target = $1 AND version = $2",
                |t, st| t.query_opt(st, &[&target, &version]),
            )?
            .map(|r| r.get(0)))
    }
    fn put_blob(&mut self, office: &str, sha256: &str, data: &[u8], now: &str) -> Result<()> {
        self.run(
            "INSERT INTO blobs (office, sha256, data, stored_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (office, sha256) DO NOTHING",
            |t, st| t.execute(st, &[&office, &sha256, &data, &now]),
        )?;
        Ok(())
    }
    fn blob(&mut self, office: &str, sha256: &str) -> Result<Option<Vec<u8>>> {
        Ok(self
            .run(
                "SELECT data FROM blobs WHERE office = $1 AND sha256 = $2",
                |t, st| t.query_opt(st, &[&office, &sha256]),
            )?
            .map(|r| r.get(0)))
    }
    fn delete_blob(&mut self, office: &str, sha256: &str) -> Result<()> {
        self.run(
            "DELETE FROM blobs WHERE office = $1 AND sha256 = $2",
            |t, st| t.execute(st, &[&office, &sha256]),
        )?;
        Ok(())
    }
    fn shared_with(&mut self, entity: &str) -> Result<Vec<String>> {
        Ok(self
            .run(
                "SELECT office FROM visibility WHERE entity = $1",
                |t, st| t.query(st, &[&entity]),
            )?
            .iter()
            .map(|r| r.get(0))
            .collect())
    }
    fn all_records(&mut self, entity: &str) -> Result<Vec<(String, String)>> {
        Ok(self
            .run(
                "SELECT office, fields FROM records WHERE entity = $1 ORDER BY position",
                |t, st| t.query(st, &[&entity]),
            )?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect())
    }
    fn add_admin_key(&mut self, device: &str, office: &str, sealed: &str, now: &str) -> Result<()> {
        self.run(
            "INSERT INTO admin_keys (device_id, office, sealed, added_at) VALUES ($1, $2, $3, $4)",
            |t, st| t.execute(st, &[&device, &office, &sealed, &now]),
        )?;
        Ok(())
    }
    fn admin_keys(&mut self, office: &str) -> Result<Vec<(bool, String)>> {
        Ok(self
            .run(
                "SELECT d.revoked_at IS NOT NULL, k.sealed FROM admin_keys k
                 JOIN devices d ON d.id = k.device_id WHERE k.office = $1 ORDER BY k.added_at",
                |t, st| t.query(st, &[&office]),
            )?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect())
    }
    fn office_records(&mut self, entity: &str, office: &str) -> Result<Vec<String>> {
        Ok(self
            .run(
                "SELECT fields FROM records WHERE entity = $1 AND office = $2 ORDER BY position",
                |t, st| t.query(st, &[&entity, &office]),
            )?
            .iter()
            .map(|r| r.get(0))
            .collect())
    }
    fn add_partner(&mut self, id: &str, name: &str, key_hash: &str, now: &str) -> Result<()> {
        self.run(
            "INSERT INTO partners (id, name, key_hash, created_at) VALUES ($1, $2, $3, $4)",
            |t, st| t.execute(st, &[&id, &name, &key_hash, &now]),
        )?;
        Ok(())
    }
    fn partner_by_key(&mut self, key_hash: &str) -> Result<Option<String>> {
        Ok(self
            .run(
                "SELECT name FROM partners WHERE key_hash = $1 AND revoked_at IS NULL",
                |t, st| t.query_opt(st, &[&key_hash]),
            )?
            .map(|r| r.get(0)))
    }
    fn revoke_partner(&mut self, name: &str, now: &str) -> Result<usize> {
        Ok(self.run(
            "UPDATE partners SET revoked_at = $2 WHERE name = $1 AND revoked_at IS NULL",
            |t, st| t.execute(st, &[&name, &now]),
        )? as usize)
    }
    fn partners(&mut self) -> Result<Vec<(String, String, bool)>> {
        Ok(self
            .run(
                "SELECT name, created_at, revoked_at IS NOT NULL FROM partners ORDER BY name",
                |t, st| t.query(st, &[]),
            )?
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect())
    }
    fn set_route(&mut self, area: &str, office: &str, now: &str) -> Result<()> {
        self.run(
            "INSERT INTO routes (area, office, set_at) VALUES ($1, $2, $3)
             ON CONFLICT (area) DO UPDATE SET office = excluded.office, set_at = excluded.set_at",
            |t, st| t.execute(st, &[&area, &office, &now]),
        )?;
        Ok(())
    }
    fn remove_route(&mut self, area: &str) -> Result<bool> {
        Ok(self.run("DELETE FROM routes WHERE area = $1", |t, st| {
            t.execute(st, &[&area])
        })? == 1)
    }
    fn escalation_rules(&mut self) -> Result<Vec<(String, i64, String)>> {
        Ok(self
            .run(
                "SELECT step, days, effective_from FROM escalation_rules
                 ORDER BY effective_from, step",
                |t, st| t.query(st, &[]),
            )?
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect())
    }
    fn add_escalation_rule(
        &mut self,
        step: &str,
        days: i64,
        from: &str,
        by: &str,
        now: &str,
    ) -> Result<bool> {
        Ok(self.run(
            "INSERT INTO escalation_rules (step, days, effective_from, added_by, added_at)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (step, effective_from) DO NOTHING",
            |t, st| t.execute(st, &[&step, &days, &from, &by, &now]),
        )? == 1)
    }
    fn routes(&mut self) -> Result<Vec<(String, String)>> {
        Ok(self
            .run("SELECT area, office FROM routes ORDER BY area", |t, st| {
                t.query(st, &[])
            })?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect())
    }
    fn request_key(&mut self, source: &str, key: &str) -> Result<Option<(String, String)>> {
        Ok(self
            .run(
                "SELECT body_hash, request_id FROM request_keys WHERE source = $1 AND idem_key = $2",
                |t, st| t.query_opt(st, &[&source, &key]),
            )?
            .map(|r| (r.get(0), r.get(1))))
    }
    fn put_request_key(
        &mut self,
        source: &str,
        key: &str,
        body_hash: &str,
        request_id: &str,
        now: &str,
    ) -> Result<()> {
        self.run(
            "INSERT INTO request_keys (source, idem_key, body_hash, request_id, at)
             VALUES ($1, $2, $3, $4, $5)",
            |t, st| t.execute(st, &[&source, &key, &body_hash, &request_id, &now]),
        )?;
        Ok(())
    }
    fn move_record(&mut self, entity: &str, key: &str, office: &str) -> Result<()> {
        self.run(
            "UPDATE records SET office = $3 WHERE entity = $1 AND record_key = $2",
            |t, st| t.execute(st, &[&entity, &key, &office]),
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
        self.run(
            "INSERT INTO hotline_users (username, full_name, role, pw_hash, created_at)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (username) DO UPDATE SET full_name = excluded.full_name,
                 role = excluded.role, pw_hash = excluded.pw_hash, disabled_at = NULL",
            |t, st| t.execute(st, &[&username, &full_name, &role, &pw_hash, &now]),
        )?;
        Ok(())
    }
    fn hotline_user(&mut self, username: &str) -> Result<Option<(String, String, String)>> {
        Ok(self
            .run(
                "SELECT full_name, role, pw_hash FROM hotline_users
                 WHERE username = $1 AND disabled_at IS NULL",
                |t, st| t.query_opt(st, &[&username]),
            )?
            .map(|r| (r.get(0), r.get(1), r.get(2))))
    }
    fn disable_hotline_user(&mut self, username: &str, now: &str) -> Result<usize> {
        let n = self.run(
            "UPDATE hotline_users SET disabled_at = $2 WHERE username = $1 AND disabled_at IS NULL",
            |t, st| t.execute(st, &[&username, &now]),
        )?;
        self.run(
            "DELETE FROM console_sessions WHERE username = $1",
            |t, st| t.execute(st, &[&username]),
        )?;
        Ok(n as usize)
    }
    fn add_console_session(
        &mut self,
        token_hash: &str,
        username: &str,
        csrf: &str,
        expires: &str,
    ) -> Result<()> {
        self.run(
            "INSERT INTO console_sessions (token_hash, username, csrf, expires_at) VALUES ($1, $2, $3, $4)",
            |t, st| t.execute(st, &[&token_hash, &username, &csrf, &expires]),
        )?;
        Ok(())
    }
    fn console_session(&mut self, token_hash: &str, now: &str) -> Result<Option<(String, String)>> {
        Ok(self
            .run(
                "SELECT s.username, s.csrf FROM console_sessions s
                 JOIN hotline_users u ON u.username = s.username AND u.disabled_at IS NULL
                 WHERE s.token_hash = $1 AND s.expires_at > $2",
                |t, st| t.query_opt(st, &[&token_hash, &now]),
            )?
            .map(|r| (r.get(0), r.get(1))))
    }
    fn delete_console_session(&mut self, token_hash: &str) -> Result<()> {
        self.run(
            "DELETE FROM console_sessions WHERE token_hash = $1",
            |t, st| t.execute(st, &[&token_hash]),
        )?;
        Ok(())
    }
    fn requests_of_source(&mut self, source: &str, limit: u32) -> Result<Vec<String>> {
        let limit = i64::from(limit);
        Ok(self
            .run(
                "SELECT request_id FROM request_keys WHERE source = $1 ORDER BY at DESC LIMIT $2",
                |t, st| t.query(st, &[&source, &limit]),
            )?
            .iter()
            .map(|r| r.get(0))
            .collect())
    }
    fn add_volunteer_token(
        &mut self,
        token_hash: &str,
        volunteer_id: &str,
        office: &str,
        code_hash: &str,
        now: &str,
    ) -> Result<bool> {
        Ok(self.run(
            "INSERT INTO volunteer_tokens (token_hash, volunteer_id, office, code_hash, created_at)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (code_hash) DO NOTHING",
            |t, st| t.execute(st, &[&token_hash, &volunteer_id, &office, &code_hash, &now]),
        )? == 1)
    }
    fn volunteer_token(&mut self, token_hash: &str) -> Result<Option<(String, String, String)>> {
        Ok(self
            .run(
                "SELECT volunteer_id, office, code_hash FROM volunteer_tokens WHERE token_hash = $1",
                |t, st| t.query_opt(st, &[&token_hash]),
            )?
            .map(|r| (r.get(0), r.get(1), r.get(2))))
    }
    fn track(&mut self, kind: &str, id: &str) -> Result<Option<TrackRow>> {
        Ok(self
            .run(
                format!("SELECT {TRACK_COLS} FROM tracking WHERE kind = $1 AND id = $2"),
                |t, st| t.query_opt(st, &[&kind, &id]),
            )?
            .map(|r| pg_track(&r)))
    }
    fn track_children(&mut self, kind: &str, parent: &str) -> Result<Vec<TrackRow>> {
        self.tracks(
            "WHERE parent = $1 AND kind = $2 ORDER BY id",
            &[&parent, &kind],
        )
    }
    fn track_office(&mut self, office: &str) -> Result<Vec<TrackRow>> {
        self.tracks("WHERE office = $1 ORDER BY kind, id", &[&office])
    }
    fn all_track(&mut self) -> Result<Vec<TrackRow>> {
        self.tracks("ORDER BY kind, id", &[])
    }
    fn put_track(&mut self, r: &TrackRow) -> Result<()> {
        let p = track_params(r);
        let assigned = i64::from(r.assigned);
        self.run(
            format!(
                "INSERT INTO tracking ({TRACK_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $13, $9, $10, $11, $12)
                 ON CONFLICT (kind, id) DO UPDATE SET office = excluded.office, parent = excluded.parent,
                   number = excluded.number, status = excluded.status, channel = excluded.channel,
                   urgency = excluded.urgency, assigned = excluded.assigned,
                   started_on = excluded.started_on, due_milestone = excluded.due_milestone,
                   due_on = excluded.due_on, facts = excluded.facts"
            ),
            |t, st| {
                t.execute(
                    st,
                    &[
                        &p[0], &p[1], &p[2], &p[3], &p[4], &p[5], &p[6], &p[7], &p[8], &p[9],
                        &p[10], &p[11], &assigned,
                    ],
                )
            },
        )?;
        Ok(())
    }
    fn bump_figures(&mut self, deltas: &[(String, String, i64)]) -> Result<()> {
        for (o, k, n) in deltas {
            self.run(
                "INSERT INTO figures (office, key, n) VALUES ($1, $2, $3)
                 ON CONFLICT (office, key) DO UPDATE SET n = figures.n + excluded.n",
                |t, st| t.execute(st, &[o, k, n]),
            )?;
        }
        Ok(())
    }
    fn figures(&mut self) -> Result<Vec<(String, String, i64)>> {
        Ok(self
            .run(
                "SELECT office, key, n FROM figures WHERE n <> 0 ORDER BY office, key",
                |t, st| t.query(st, &[]),
            )?
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect())
    }
    fn late_counts(&mut self, today: &str) -> Result<Vec<(String, String, i64)>> {
        Ok(self
            .run(
                "SELECT office, kind, count(*) FROM tracking WHERE due_on < $1 GROUP BY office, kind",
                |t, st| t.query(st, &[&today]),
            )?
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect())
    }
    fn late_rows(&mut self, q: &tracking::LateQuery) -> Result<(Vec<TrackRow>, u64)> {
        let filter = "WHERE due_on < $1
            AND ($2 = '' OR office = ANY(string_to_array($2, chr(31))))
            AND ($3 = '' OR kind = $3) AND ($4 = '' OR channel = $4)
            AND ($5 = '' OR due_milestone = $5)
            AND ($6 = '' OR ($6 = 'yes') = (assigned <> 0))";
        let (cutoff, offices) = (q.cutoff(), q.office_list());
        let total: i64 = self
            .run(
                format!("SELECT count(*) FROM tracking {filter}"),
                |t, st| {
                    t.query_one(
                        st,
                        &[
                            &cutoff,
                            &offices,
                            &q.kind,
                            &q.channel,
                            &q.milestone,
                            &q.assigned,
                        ],
                    )
                },
            )?
            .get(0);
        let (limit, offset) = (i64::from(q.limit), i64::from(q.offset));
        let rows = self
            .run(
                format!(
                    "SELECT {TRACK_COLS} FROM tracking {filter} ORDER BY {} LIMIT $7 OFFSET $8",
                    q.sort.order_by()
                ),
                |t, st| {
                    t.query(
                        st,
                        &[
                            &cutoff,
                            &offices,
                            &q.kind,
                            &q.channel,
                            &q.milestone,
                            &q.assigned,
                            &limit,
                            &offset,
                        ],
                    )
                },
            )?
            .iter()
            .map(pg_track)
            .collect();
        Ok((rows, total as u64))
    }
    fn clear_tracking(&mut self) -> Result<()> {
        self.0.batch_execute(
            "DELETE FROM tracking; DELETE FROM figures; DELETE FROM tracking_state;",
        )?;
        Ok(())
    }
    fn tracking_built(&mut self) -> Result<bool> {
        Ok(self
            .run("SELECT 1 FROM tracking_state WHERE id = 1", |t, st| {
                t.query_opt(st, &[])
            })?
            .is_some())
    }
    fn set_tracking_built(&mut self) -> Result<()> {
        let now = chrono::Utc::now().to_rfc3339();
        self.run(
            "INSERT INTO tracking_state (id, built_at) VALUES (1, $1)
             ON CONFLICT (id) DO UPDATE SET built_at = excluded.built_at",
            |t, st| t.execute(st, &[&now]),
        )?;
        Ok(())
    }
    fn visible_to(&mut self, entity: &str, key: &str) -> Result<Vec<String>> {
        Ok(self
            .run(
                "SELECT office FROM visibility WHERE entity = $1 AND record_key = $2 ORDER BY office",
                |t, st| t.query(st, &[&entity, &key]),
            )?
            .iter()
            .map(|r| r.get(0))
            .collect())
    }
    fn all_records_keyed(&mut self, entity: &str) -> Result<Vec<(String, String, String)>> {
        Ok(self
            .run(
                "SELECT office, record_key, fields FROM records WHERE entity = $1 ORDER BY position",
                |t, st| t.query(st, &[&entity]),
            )?
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect())
    }
    fn set_office_province(&mut self, office: &str, province: &str) -> Result<bool> {
        Ok(self.run(
            "UPDATE offices SET province = $2 WHERE code = $1",
            |t, st| t.execute(st, &[&office, &province]),
        )? == 1)
    }
    fn office_provinces(&mut self) -> Result<Vec<(String, Option<String>)>> {
        Ok(self
            .run(
                "SELECT code, province FROM offices ORDER BY code",
                |t, st| t.query(st, &[]),
            )?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect())
    }
    fn set_account_provinces(&mut self, username: &str, provinces: &str) -> Result<()> {
        self.run(
            "UPDATE hotline_users SET provinces = $2 WHERE username = $1",
            |t, st| t.execute(st, &[&username, &provinces]),
        )?;
        Ok(())
    }
    fn account_provinces(&mut self, username: &str) -> Result<Option<String>> {
        Ok(self
            .run(
                "SELECT provinces FROM hotline_users WHERE username = $1",
                |t, st| t.query_opt(st, &[&username]),
            )?
            .and_then(|r| r.get::<_, Option<String>>(0)))
    }
    fn add_server_audit(&mut self, e: &AuditEntry) -> Result<()> {
        self.run(
            "INSERT INTO server_audit (id, at, username, action, office, target, reason)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            |t, st| {
                t.execute(
                    st,
                    &[
                        &e.id,
                        &e.at,
                        &e.username,
                        &e.action,
                        &e.office,
                        &e.target,
                        &e.reason,
                    ],
                )
            },
        )?;
        Ok(())
    }
    fn server_audit(&mut self, office: Option<&str>, limit: u32) -> Result<Vec<AuditEntry>> {
        let office = office.unwrap_or("");
        let limit = i64::from(limit);
        Ok(self
            .run(
                "SELECT id, at, username, action, office, target, reason FROM server_audit
                 WHERE ($1 = '' OR office = $1) ORDER BY at DESC, id DESC LIMIT $2",
                |t, st| t.query(st, &[&office, &limit]),
            )?
            .iter()
            .map(|r| AuditEntry {
                id: r.get(0),
                at: r.get(1),
                username: r.get(2),
                action: r.get(3),
                office: r.get(4),
                target: r.get(5),
                reason: r.get(6),
            })
            .collect())
    }
}
