//! Real processes killed mid-sync, on both server backends: the central server is killed
//! with SIGKILL while a PC uploads a backlog (G2, G3: each change applied exactly once, no
//! gaps), and a second PC of the office is killed while it downloads page after page (G5:
//! the download resumes from its cursor and skips nothing).

use super::*;

/// A tiny seeded generator (xorshift), so a failing run can be replayed from its seed.
struct Dice(u64);

impl Dice {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// A server database: a SQLite file, or a fresh database on the machine's PostgreSQL
/// (dropped afterwards).
struct ServerDb {
    url: String,
    pg_name: Option<String>,
}

fn pg_admin() -> postgres::Client {
    postgres::Client::connect(
        "postgres://postgres@127.0.0.1:5432/postgres",
        postgres::NoTls,
    )
    .expect("PostgreSQL at 127.0.0.1:5432 (start it, or set RAKSA_TEST_PG=0)")
}

impl ServerDb {
    fn all(tmp: &Path) -> Vec<ServerDb> {
        let mut v = vec![ServerDb {
            url: format!("sqlite:{}", tmp.join("server.db").display()),
            pg_name: None,
        }];
        if std::env::var("RAKSA_TEST_PG").as_deref() != Ok("0") {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos();
            let name = format!("raksa_outage_{nanos}");
            pg_admin()
                .batch_execute(&format!("CREATE DATABASE {name}"))
                .unwrap();
            v.push(ServerDb {
                url: format!("postgres://postgres@127.0.0.1:5432/{name}"),
                pg_name: Some(name),
            });
        }
        v
    }

    /// One row per device: (changes received, lowest and highest sequence number).
    fn mutation_runs(&self) -> Vec<(i64, i64, i64)> {
        let sql =
            "SELECT count(*), min(seq), max(seq) FROM mutations GROUP BY device_id ORDER BY 1";
        match &self.pg_name {
            None => {
                let c = rusqlite::Connection::open(self.url.trim_start_matches("sqlite:")).unwrap();
                let mut st = c.prepare(sql).unwrap();
                st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                    .unwrap()
                    .map(Result::unwrap)
                    .collect()
            }
            Some(_) => {
                let mut c = postgres::Client::connect(&self.url, postgres::NoTls).unwrap();
                c.query(sql, &[])
                    .unwrap()
                    .iter()
                    .map(|r| (r.get(0), r.get(1), r.get(2)))
                    .collect()
            }
        }
    }

    fn people(&self) -> i64 {
        let sql = "SELECT count(*) FROM records WHERE entity = 'people'";
        match &self.pg_name {
            None => rusqlite::Connection::open(self.url.trim_start_matches("sqlite:"))
                .unwrap()
                .query_row(sql, [], |r| r.get(0))
                .unwrap(),
            Some(_) => postgres::Client::connect(&self.url, postgres::NoTls)
                .unwrap()
                .query_one(sql, &[])
                .unwrap()
                .get(0),
        }
    }
}

impl Drop for ServerDb {
    fn drop(&mut self) {
        if let Some(name) = &self.pg_name {
            let _ = pg_admin().batch_execute(&format!(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}';
                 DROP DATABASE IF EXISTS {name}"
            ));
        }
    }
}

fn citizen_id(n: u64) -> String {
    let body = format!("{:012}", 310_000_000_000 + n);
    let d: Vec<u32> = body.chars().map(|c| c.to_digit(10).unwrap()).collect();
    let sum: u32 = (0..12).map(|i| d[i] * (13 - i as u32)).sum();
    format!("{body}{}", (11 - sum % 11) % 10)
}

fn add_people(dir: &Path, user: &str, n: u64) {
    let data = raksa_core::DataDir::new(dir);
    let clock = std::sync::Arc::new(raksa_core::thai_date::SystemClock);
    let mut s = raksa_core::office::unlock(&data, user, PASS, clock).unwrap();
    for i in 0..n {
        s.register_person(&raksa_core::model::NewPerson {
            title: "นาย".into(),
            first_name: format!("ค้าง{i}"),
            last_name: "ระหว่างไฟดับ".into(),
            identity: raksa_core::identity::Identity::CitizenId {
                number: citizen_id(i),
            },
            birth_date: None,
            sex: raksa_core::model::Sex::Male,
            phone: String::new(),
            address_text: String::new(),
            subdistrict_code: None,
            postcode: None,
        })
        .unwrap();
    }
}

/// Runs `raksa sync --once` and kills it (SIGKILL) after `after`, unless it ended first.
/// Returns its exit code when it ended by itself.
fn sync_killed_after(dir: &Path, user: &str, after: std::time::Duration) -> Option<i32> {
    let env = [("RAKSA_PASSPHRASE", PASS), ("RAKSA_USER", user)];
    let mut child = raksa_cmd(dir, &["sync", "--once"], &env)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    while start.elapsed() < after {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code();
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().unwrap();
    let _ = child.wait();
    None
}

fn people_on(dir: &Path, user: &str) -> usize {
    let data = raksa_core::DataDir::new(dir);
    let clock = std::sync::Arc::new(raksa_core::thai_date::SystemClock);
    let s = raksa_core::office::unlock(&data, user, PASS, clock).unwrap();
    assert!(s.check().unwrap().integrity_ok);
    s.replica_state()
        .unwrap()
        .iter()
        .filter(|((table, _), f)| table == "people" && f["last_name"] == "ระหว่างไฟดับ")
        .count()
}

const BACKLOG: u64 = 3_000;

#[test]
fn g2_g3_g5_server_and_pcs_killed_mid_sync_lose_and_skip_nothing() {
    let seed = std::env::var("RAKSA_KILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        });
    eprintln!("kill test seed {seed} (replay with RAKSA_KILL_SEED={seed})");
    let mut dice = Dice(seed | 1);
    let tmp = tempfile::tempdir().unwrap();
    // Both PCs' backlogs are made once and copied for each backend.
    let pc_a = tmp.path().join("pc-a");
    init(&pc_a);
    add_people(&pc_a, "admin", BACKLOG);
    let pc_b = tmp.path().join("pc-b");
    init_as(&pc_b, "clerk");

    for db in ServerDb::all(tmp.path()) {
        let backend = if db.pg_name.is_some() {
            "postgres"
        } else {
            "sqlite"
        };
        let (a, b) = (
            tmp.path().join(format!("a-{backend}")),
            tmp.path().join(format!("b-{backend}")),
        );
        copy_dir(&pc_a, &a);
        copy_dir(&pc_b, &b);
        server_cmd(
            &db.url,
            &["office", "add", "--code", "พล", "--name", "พมจ.พิษณุโลก"],
        );
        let mut server = start_server(&db.url, "127.0.0.1:0");
        let addr = server.url.trim_start_matches("http://").to_owned();
        for (dir, user) in [(&a, "admin"), (&b, "clerk")] {
            let code = enrol_code(&db.url, "พล");
            let env = [("RAKSA_PASSPHRASE", PASS), ("RAKSA_USER", user)];
            let o = raksa(
                dir,
                &["enrol", "--server", &server.url, "--code", &code],
                &env,
            );
            assert!(o.status.success(), "{}", text(&o));
        }

        // PC A uploads its backlog while the server is killed at random moments.
        let mut partial = 0;
        let mut rounds = 0;
        loop {
            rounds += 1;
            assert!(rounds < 60, "{backend} seed {seed}: upload never completed");
            let before = db.mutation_runs().iter().map(|r| r.0).sum::<i64>();
            let kill_at = std::time::Duration::from_millis(300 + dice.below(900 + 150 * rounds));
            let killer = {
                let child_pid = server.child.id();
                std::thread::spawn(move || {
                    std::thread::sleep(kill_at);
                    // SIGKILL: no shutdown, no flush, the transaction in flight is lost
                    let _ = Command::new("kill")
                        .args(["-9", &child_pid.to_string()])
                        .status();
                })
            };
            let code = sync_killed_after(&a, "admin", std::time::Duration::from_secs(30));
            killer.join().unwrap();
            let _ = server.child.wait();
            let after = db.mutation_runs().iter().map(|r| r.0).sum::<i64>();
            if after > before && code != Some(0) {
                partial += 1;
            }
            server = start_server(&db.url, &addr);
            if code == Some(0) {
                break;
            }
        }
        eprintln!("{backend}: upload done after {rounds} runs, {partial} cut off part-way");
        // The server holds each change once, numbered without gaps.
        for (n, min, max) in db.mutation_runs() {
            assert_eq!((min, max), (1, n), "{backend} seed {seed}: once, in order");
        }
        assert_eq!(db.people(), BACKLOG as i64, "{backend} seed {seed}");

        // PC B downloads the office's records and is killed mid-download again and again.
        let (mut killed, mut partial) = (0, 0);
        loop {
            assert!(
                killed < 60,
                "{backend} seed {seed}: download never completed"
            );
            let after = std::time::Duration::from_millis(300 + dice.below(700 + 100 * killed));
            match sync_killed_after(&b, "clerk", after) {
                Some(0) => break,
                Some(code) => panic!("{backend}: sync failed with exit code {code}"),
                None => {
                    killed += 1;
                    let n = people_on(&b, "clerk");
                    if n > 0 && n < BACKLOG as usize {
                        partial += 1;
                    }
                }
            }
        }
        eprintln!("{backend}: download done after {killed} kills, {partial} part-way");
        assert_eq!(
            people_on(&b, "clerk"),
            BACKLOG as usize,
            "{backend} seed {seed}"
        );
        drop(server);
    }
}
