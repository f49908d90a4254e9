//! Issue 14 §4: the server reaches PostgreSQL over TLS and checks who it is talking to:
//! `sslmode=verify-full` verifies the certificate against `sslrootcert` and the host name;
//! a certificate from another authority or for another name is refused (a man in the
//! middle), and modes that would not verify are refused. Uses this machine's PostgreSQL,
//! which serves TLS with Debian's certificate for `localhost`.

use raksa_server::store::Store;

const SNAKEOIL: &str = "/etc/ssl/certs/ssl-cert-snakeoil.pem";

fn fresh_db() -> Option<String> {
    if std::env::var("RAKSA_TEST_PG").as_deref() == Ok("0")
        || !std::path::Path::new(SNAKEOIL).exists()
    {
        return None;
    }
    let db = format!(
        "raksa_tls_{}",
        uuid::Uuid::now_v7().simple().to_string().get(20..).unwrap()
    );
    let mut admin = postgres::Client::connect(&crate::pg_url("postgres"), postgres::NoTls).ok()?;
    let ssl_on: String = admin.query_one("SHOW ssl", &[]).ok()?.get(0);
    if ssl_on != "on" {
        return None;
    }
    admin
        .batch_execute(&format!("CREATE DATABASE {db}"))
        .unwrap();
    Some(db)
}

fn drop_db(db: &str) {
    if let Ok(mut c) = postgres::Client::connect(&crate::pg_url("postgres"), postgres::NoTls) {
        let _ = c.batch_execute(&format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{db}';
             DROP DATABASE IF EXISTS {db}"
        ));
    }
}

#[test]
fn postgresql_over_tls_verifies_the_certificate_and_the_host_name() {
    let Some(db) = fresh_db() else {
        eprintln!("no PostgreSQL with TLS here: skipped");
        return;
    };
    let url = |host: &str, extra: &str| format!("postgres://postgres@{host}:5432/{db}?{extra}");
    // the right authority and the certificate's own name: connected, encrypted
    let store = Store::open(&url(
        "localhost",
        &format!("sslmode=verify-full&sslrootcert={SNAKEOIL}"),
    ))
    .expect("verified TLS connection");
    store.add_office("พล", "พมจ.พิษณุโลก").unwrap();
    let mut admin = postgres::Client::connect(&crate::pg_url("postgres"), postgres::NoTls).unwrap();
    let encrypted: Option<bool> = admin
        .query_one(
            "SELECT bool_and(s.ssl) FROM pg_stat_ssl s JOIN pg_stat_activity a ON a.pid = s.pid
             WHERE a.datname = $1",
            &[&db],
        )
        .unwrap()
        .get(0);
    assert_eq!(
        encrypted,
        Some(true),
        "the server's connections are encrypted"
    );
    drop(store);
    // the same server under a name its certificate does not carry
    assert!(
        Store::open(&url(
            "127.0.0.1",
            &format!("sslmode=verify-full&sslrootcert={SNAKEOIL}")
        ))
        .is_err(),
        "a certificate for another name was accepted"
    );
    // a certificate no trusted authority issued (an interceptor's own)
    let other = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let other_ca = tmp.path().join("other.pem");
    std::fs::write(&other_ca, other.cert.pem()).unwrap();
    assert!(
        Store::open(&url(
            "localhost",
            &format!("sslmode=verify-full&sslrootcert={}", other_ca.display())
        ))
        .is_err(),
        "a certificate from another authority was accepted"
    );
    // a mode that would not check the host is refused outright
    match Store::open(&url("localhost", "sslmode=verify-ca")) {
        Err(e) => assert!(e.to_string().contains("verify-full"), "{e}"),
        Ok(_) => panic!("verify-ca accepted"),
    }
    drop_db(&db);
}
