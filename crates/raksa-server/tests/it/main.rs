//! The central server's guarantees, on both backends: SQLite (a temporary file) and the
//! machine's real PostgreSQL (a fresh database per test; set RAKSA_TEST_PG=0 to skip it).

mod http;
mod husec;
mod model;
mod national;
mod pg_tls;
mod pull_order;
mod push;
mod release;
mod requests;
mod sealed;
mod signed;
mod tls;
mod tracking;

use raksa_protocol::{Entity, Mutation};
use raksa_server::store::{Device, Store};
use serde_json::{Value, json};

pub struct Backend {
    pub name: &'static str,
    pub store: std::sync::Arc<Store>,
    _tmp: Option<tempfile::TempDir>,
    pub pg_db: Option<String>,
}

impl Drop for Backend {
    fn drop(&mut self) {
        if let Some(db) = &self.pg_db {
            // Close our connection first (drop the store), then drop the database.
            if let Ok(mut c) = postgres::Client::connect(&pg_url("postgres"), postgres::NoTls) {
                let _ = c.batch_execute(&format!(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{db}';
                     DROP DATABASE IF EXISTS {db}"
                ));
            }
        }
    }
}

pub fn pg_url(db: &str) -> String {
    let base = std::env::var("RAKSA_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into());
    format!("{base}/{db}")
}

/// Every backend the tests run against.
pub fn backends() -> Vec<Backend> {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("server.db");
    let mut v = vec![Backend {
        name: "sqlite",
        store: Store::open(&format!("sqlite:{}", path.display()))
            .unwrap()
            .into(),
        _tmp: Some(tmp),
        pg_db: None,
    }];
    if std::env::var("RAKSA_TEST_PG").as_deref() != Ok("0") {
        let db = format!(
            "raksa_test_{}",
            uuid::Uuid::now_v7().simple().to_string().get(20..).unwrap()
        );
        let mut admin = postgres::Client::connect(&pg_url("postgres"), postgres::NoTls)
            .expect("PostgreSQL at 127.0.0.1:5432 (start it, or set RAKSA_TEST_PG=0)");
        admin
            .batch_execute(&format!("CREATE DATABASE {db}"))
            .unwrap();
        v.push(Backend {
            name: "postgres",
            store: Store::open(&pg_url(&db)).unwrap().into(),
            _tmp: None,
            pg_db: Some(db),
        });
    }
    v
}

/// The administrator key the test devices are enrolled with (`device`).
pub fn admin_key() -> raksa_protocol::signed::AdminSigner {
    raksa_protocol::signed::AdminSigner::from_seed(&[42; 32])
}

/// `fields` signed with `admin_key` (accounts and deadline rules must be).
pub fn admin_signed(
    entity: Entity,
    record_id: &str,
    mut fields: serde_json::Map<String, Value>,
) -> serde_json::Map<String, Value> {
    let sig = admin_key().sign(entity, record_id, &fields);
    fields.insert("signature".into(), Value::String(sig));
    fields
}

/// Another PC of `d`'s office, for reading what the server holds: a device is not sent
/// back its own changes (issue 17), a colleague's PC is sent everything.
pub fn reader(d: &Device) -> Device {
    Device {
        id: format!("{}-colleague", d.id),
        ..d.clone()
    }
}

/// A device enrolled for `office` on `store` by an administrator holding `admin_key`.
pub fn device(store: &Store, office: &str, name: &str) -> Device {
    store
        .add_office(office, &format!("สำนักงาน {office}"))
        .unwrap();
    let code = store.new_enrolment_code(office).unwrap();
    let grant = raksa_protocol::AdminKeyGrant {
        user_id: id(0),
        key: admin_key().public(),
    };
    let r = store.enrol_with_admin(&code, name, Some(&grant)).unwrap();
    store.authenticate(&r.token).unwrap()
}

pub fn id(n: u32) -> String {
    format!("0195f3a0-0000-7000-8000-{n:012}")
}

pub fn case(seq: u64, n: u32, summary: &str, base: Option<&str>) -> Mutation {
    let fields = |s: &str| {
        json!({"id": id(n), "case_no": format!("พล-2569-{n:06}"), "summary": s, "status": "intake"})
            .as_object()
            .unwrap()
            .clone()
    };
    Mutation::new(seq, Entity::Cases, id(n), fields(summary), base.map(fields))
}

pub fn fields_of(v: &Value) -> serde_json::Map<String, Value> {
    v.as_object().unwrap().clone()
}
