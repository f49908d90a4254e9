//! Integration tests of the `raksa` binary's headless administration commands, run as real
//! processes without a display (issue 2: `init`, `check`, `backup`, `restore`, `export`).

mod outage;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output};

const PASS: &str = "รหัสผ่านผู้ดูแล-2569";

fn raksa(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    raksa_cmd(dir, args, env).output().expect("run raksa")
}

fn raksa_cmd(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_raksa"));
    c.arg("--data-dir").arg(dir).args(args);
    c.env_remove("RAKSA_PASSPHRASE")
        .env_remove("RAKSA_USER")
        .env_remove("RAKSA_RECOVERY_KEY")
        .env_remove("RAKSA_DATA_DIR")
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY");
    for (k, v) in env {
        c.env(k, v);
    }
    c.stdin(std::process::Stdio::null());
    c
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn init(dir: &Path) -> String {
    init_as(dir, "admin")
}

fn init_as(dir: &Path, admin: &str) -> String {
    let o = raksa(
        dir,
        &[
            "init",
            "--office-name",
            "สำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์จังหวัดพิษณุโลก",
            "--office-address",
            "ศาลากลางจังหวัดพิษณุโลก",
            "--letter-code",
            "พล",
            "--office-number",
            "0027",
            "--office-phone",
            "055-252-222",
            "--admin-user",
            admin,
            "--admin-name",
            "นายสมชาย ใจดี",
            "--admin-position",
            "นักสังคมสงเคราะห์ชำนาญการ",
        ],
        &[("RAKSA_PASSPHRASE", PASS)],
    );
    assert!(o.status.success(), "{}", text(&o));
    let out = String::from_utf8(o.stdout).unwrap();
    out.lines()
        .map(str::trim)
        .find(|l| l.len() == 47 && l.matches('-').count() == 7)
        .expect("recovery key printed")
        .to_owned()
}

#[test]
fn init_then_check_without_a_display() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("office");
    init(&dir);
    let o = raksa(&dir, &["check"], &[("RAKSA_PASSPHRASE", PASS)]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("สมบูรณ์ / ok"));
    let o = raksa(
        &dir,
        &["check", "--json", "--user", "admin"],
        &[("RAKSA_PASSPHRASE", PASS)],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["integrity_ok"], true);
    assert_eq!(v["users"], 1);
}

#[test]
fn audit_verify_reports_an_intact_chain_headlessly() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("office");
    init(&dir);
    raksa(&dir, &["check"], &[("RAKSA_PASSPHRASE", PASS)]);
    let o = raksa(&dir, &["audit-verify"], &[("RAKSA_PASSPHRASE", PASS)]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("ลูกโซ่ครบถ้วน"), "{}", text(&o));
}

#[test]
fn wrong_passphrase_fails_with_a_thai_message_and_exit_code_2() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("office");
    init(&dir);
    let o = raksa(&dir, &["check"], &[("RAKSA_PASSPHRASE", "not it")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"));
}

#[test]
fn init_refuses_bad_input_and_a_second_office() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("office");
    let o = raksa(
        &dir,
        &[
            "init",
            "--office-name",
            "x",
            "--office-address",
            "y",
            "--letter-code",
            "PL",
            "--office-number",
            "0027",
            "--office-phone",
            "1",
            "--admin-user",
            "a",
            "--admin-name",
            "n",
            "--admin-position",
            "p",
        ],
        &[("RAKSA_PASSPHRASE", "short")],
    );
    assert_eq!(o.status.code(), Some(2));
    let t = text(&o);
    assert!(t.contains("letter_code") && t.contains("อักษรไทย"), "{t}");
    assert!(t.contains("password"), "{t}");
    init(&dir);
    let again = raksa(
        &dir,
        &[
            "init",
            "--office-name",
            "x",
            "--office-address",
            "y",
            "--letter-code",
            "พล",
            "--office-number",
            "0027",
            "--office-phone",
            "055252222",
            "--admin-user",
            "abc",
            "--admin-name",
            "n",
            "--admin-position",
            "p",
        ],
        &[("RAKSA_PASSPHRASE", PASS)],
    );
    assert!(!again.status.success());
    assert!(text(&again).contains("ตั้งค่าสำนักงานไว้แล้ว"));
}

#[test]
fn without_a_passphrase_or_terminal_the_command_fails_cleanly() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("office");
    init(&dir);
    let o = raksa(&dir, &["check"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("RAKSA_PASSPHRASE"), "{}", text(&o));
}

#[test]
fn backup_verify_restore_and_export_round_trip() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("office");
    let rk = init(&dir);
    let file = tmp.path().join("office.raksa-backup");
    let f = file.to_str().unwrap();
    let o = raksa(&dir, &["backup", f], &[("RAKSA_PASSPHRASE", PASS)]);
    assert!(o.status.success(), "{}", text(&o));
    let o = raksa(&dir, &["verify-backup", f], &[]);
    assert!(o.status.success(), "{}", text(&o));

    // restore on another PC with the recovery key, then with the admin password
    let other = tmp.path().join("other");
    let o = raksa(&other, &["restore", f], &[("RAKSA_RECOVERY_KEY", &rk)]);
    assert!(o.status.success(), "{}", text(&o));
    let o = raksa(
        &other,
        &["restore", f, "--user", "admin"],
        &[("RAKSA_PASSPHRASE", PASS)],
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("before-restore"),
        "previous files kept aside: {}",
        text(&o)
    );
    let o = raksa(&other, &["check"], &[("RAKSA_PASSPHRASE", PASS)]);
    assert!(o.status.success(), "{}", text(&o));

    // a corrupted backup is refused and changes nothing
    let mut bytes = std::fs::read(&file).unwrap();
    let n = bytes.len();
    bytes[n - 10] ^= 0xff;
    let bad = tmp.path().join("bad.raksa-backup");
    std::fs::write(&bad, bytes).unwrap();
    let o = raksa(&other, &["verify-backup", bad.to_str().unwrap()], &[]);
    assert!(!o.status.success());
    assert!(text(&o).contains("ไฟล์สำรองข้อมูลไม่ถูกต้อง"));

    let out = tmp.path().join("export.json");
    let o = raksa(
        &dir,
        &["export", "--format", "json", "--out", out.to_str().unwrap()],
        &[("RAKSA_PASSPHRASE", PASS)],
    );
    assert!(o.status.success(), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(v["format"], "raksa-office-export");
    assert_eq!(v["office"]["letter_code"], "พล");
}

#[test]
fn letter_writes_the_referral_pdf_headlessly() {
    use raksa_core::model::*;
    use raksa_core::referral::{NewAgency, NewReferral};
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("office");
    init(&dir);
    // Prepare a sent referral through the core, as the app would.
    let number = {
        let data = raksa_core::DataDir::new(&dir);
        let clock = std::sync::Arc::new(raksa_core::thai_date::SystemClock);
        let mut s = raksa_core::office::unlock(&data, "admin", PASS, clock).unwrap();
        let p = s
            .register_person(&NewPerson {
                title: "นาง".into(),
                first_name: "บุญมี".into(),
                last_name: "ทองใบ".into(),
                identity: raksa_core::identity::Identity::CitizenId {
                    number: "3100600182731".into(),
                },
                birth_date: None,
                sex: Sex::Female,
                phone: String::new(),
                address_text: String::new(),
                subdistrict_code: None,
                postcode: None,
            })
            .unwrap();
        let c = s
            .open_case(&NewCase {
                person_id: p.id,
                channel: IntakeChannel::WalkIn,
                intake_date: s.today(),
                summary: "ผู้สูงอายุติดเตียง".into(),
                urgency: Urgency::Normal,
                target_groups: vec![TargetGroup::Elderly],
                problem_domains: vec![ProblemDomain::Care],
                reporter: None,
                account: String::new(),
            })
            .unwrap();
        let a = s
            .add_agency(&NewAgency {
                name: "โรงพยาบาลพุทธชินราช พิษณุโลก".into(),
                head_position: "ผู้อำนวยการโรงพยาบาลพุทธชินราช พิษณุโลก".into(),
                address: String::new(),
                phone: String::new(),
                email: String::new(),
                kind: AgencyKind::Outside,
                runs_raksa: false,
                raksa_office: String::new(),
            })
            .unwrap();
        let r = s
            .create_referral(
                c.id,
                &NewReferral {
                    agency_id: a.id,
                    urgency: LetterUrgency::VeryUrgent,
                    secrecy: None,
                    requested: "การตรวจรักษาและแผลกดทับ".into(),
                    legal_basis: LegalBasis::VitalInterest,
                    shared: vec![SharedPart::Identity, SharedPart::Problems],
                },
            )
            .unwrap();
        let today = s.today();
        s.send_referral(r.id, today).unwrap();
        format!("1/{}", raksa_core::thai_date::be_year(today))
    };
    let out = tmp.path().join("letter.pdf");
    let o = raksa(
        &dir,
        &["letter", &number, "--out", out.to_str().unwrap()],
        &[("RAKSA_PASSPHRASE", PASS)],
    );
    assert!(o.status.success(), "{}", text(&o));
    let t = Command::new("pdftotext")
        .args([out.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext");
    let t: String = String::from_utf8(t.stdout)
        .unwrap()
        .split_whitespace()
        .collect();
    assert!(t.contains("ด่วนมาก"), "{t}");
    assert!(t.contains("เรียนผู้อำนวยการโรงพยาบาลพุทธชินราชพิษณุโลก"), "{t}");
    assert!(t.contains("นางบุญมีทองใบ"));

    // an unknown register number: a clear message, exit 1, no file
    let missing = tmp.path().join("none.pdf");
    let o = raksa(
        &dir,
        &["letter", "999/2500", "--out", missing.to_str().unwrap()],
        &[("RAKSA_PASSPHRASE", PASS)],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("ไม่พบข้อมูล"), "{}", text(&o));
    assert!(!missing.exists());
}

/// The real `raksa-server` binary next to the `raksa` one (scripts/test-all.sh builds it).
fn server_binary() -> std::path::PathBuf {
    let p = Path::new(env!("CARGO_BIN_EXE_raksa")).with_file_name("raksa-server");
    assert!(
        p.exists(),
        "build the server first: cargo build -p raksa-server ({})",
        p.display()
    );
    p
}

struct ServerProcess {
    child: std::process::Child,
    url: String,
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn server_cmd(db: &str, args: &[&str]) -> String {
    let o = Command::new(server_binary())
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    String::from_utf8(o.stdout).unwrap()
}

/// A one-time enrolment code for a PC of `office`, from the server's own CLI.
fn enrol_code(db: &str, office: &str) -> String {
    server_cmd(db, &["device", "enroll", "--office", office])
        .lines()
        .last()
        .unwrap()
        .trim()
        .to_owned()
}

fn start_server(db: &str, listen: &str) -> ServerProcess {
    use std::io::BufRead;
    let mut child = Command::new(server_binary())
        .arg("--db")
        .arg(db)
        .args(["serve", "--listen", listen])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    out.read_line(&mut line).unwrap();
    // Keep draining the server's output so it never writes into a closed pipe.
    std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
    let url = line.trim().rsplit(' ').next().unwrap().to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{line}");
    ServerProcess { child, url }
}

fn add_person(dir: &Path, first: &str, id: &str) {
    let data = raksa_core::DataDir::new(dir);
    let clock = std::sync::Arc::new(raksa_core::thai_date::SystemClock);
    let mut s = raksa_core::office::unlock(&data, "admin", PASS, clock).unwrap();
    s.register_person(&raksa_core::model::NewPerson {
        title: "นาง".into(),
        first_name: first.into(),
        last_name: "ทดสอบ".into(),
        identity: raksa_core::identity::Identity::CitizenId { number: id.into() },
        birth_date: None,
        sex: raksa_core::model::Sex::Female,
        phone: String::new(),
        address_text: String::new(),
        subdistrict_code: None,
        postcode: None,
    })
    .unwrap();
}

fn server_people(db_path: &Path) -> Vec<String> {
    // The server seals names at rest: read them back the way it does, with its master key.
    let store = raksa_server::store::Store::open(&format!("sqlite:{}", db_path.display())).unwrap();
    store
        .all_records_of("people")
        .unwrap()
        .into_iter()
        .map(|(_, f)| {
            let v: serde_json::Value = serde_json::from_str(&f).unwrap();
            v["first_name"].as_str().unwrap_or_default().to_owned()
        })
        .collect()
}

#[test]
fn an_office_pc_syncs_with_a_real_server_and_an_old_backup_cannot_overwrite() {
    let tmp = tempfile::tempdir().unwrap();
    let db_path = tmp.path().join("server.db");
    let db = format!("sqlite:{}", db_path.display());
    server_cmd(
        &db,
        &["office", "add", "--code", "พล", "--name", "พมจ.พิษณุโลก"],
    );
    let code = enrol_code(&db, "พล");
    let server = start_server(&db, "127.0.0.1:0");
    let addr = server.url.trim_start_matches("http://").to_owned();
    let dir = tmp.path().join("office");
    init(&dir);
    add_person(&dir, "บุญมี", "3100600182731");
    let env = [("RAKSA_PASSPHRASE", PASS), ("RAKSA_USER", "admin")];

    // a wrong code is refused in Thai; the right one enrols
    let o = raksa(
        &dir,
        &["enrol", "--server", &server.url, "--code", "0000-0000-0000"],
        &env,
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("รหัสลงทะเบียนไม่ถูกต้อง"), "{}", text(&o));
    let o = raksa(
        &dir,
        &["enrol", "--server", &server.url, "--code", &code],
        &env,
    );
    assert!(o.status.success(), "{}", text(&o));

    let o = raksa(&dir, &["sync", "--once"], &env);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("ค้างส่ง 0"), "{}", text(&o));
    // the progress line (issue 17)
    assert!(text(&o).contains("กำลังส่ง"), "{}", text(&o));
    assert_eq!(server_people(&db_path), ["บุญมี"]);
    // nothing new: a second cycle sends only the audit trail's new entries (this very
    // sign-in among them, issue 14 §10) and still succeeds
    let o = raksa(&dir, &["sync", "--once"], &env);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("ค้างส่ง 0"), "{}", text(&o));
    assert_eq!(server_people(&db_path), ["บุญมี"]);

    // keep a copy of the data folder (a backup), then work on
    let backup = tmp.path().join("old-copy");
    copy_dir(&dir, &backup);
    add_person(&dir, "มาลี", "1101700203450");
    assert!(raksa(&dir, &["sync", "--once"], &env).status.success());
    assert_eq!(server_people(&db_path), ["บุญมี", "มาลี"]);

    // the server is down: the change waits, nothing is lost, the message is clear
    add_person(&dir, "สมใจ", "1234567890121");
    drop(server);
    let o = raksa(&dir, &["sync", "--once"], &env);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(text(&o).contains("ออฟไลน์"), "{}", text(&o));
    let server = start_server(&db, &addr);
    let o = raksa(&dir, &["sync", "--once"], &env);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(server_people(&db_path), ["บุญมี", "มาลี", "สมใจ"]);

    // G9: the old copy is put back and a different change is made under a used number
    std::fs::remove_dir_all(&dir).unwrap();
    copy_dir(&backup, &dir);
    add_person(&dir, "ผู้ทับ", "3100501234563");
    let o = raksa(&dir, &["sync", "--once"], &env);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("ไม่ตรงกับที่เคยส่งแล้ว"), "{}", text(&o));
    assert_eq!(server_people(&db_path), ["บุญมี", "มาลี", "สมใจ"]);
    drop(server);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

/// The writer half of the kill test: runs only inside the child process the test starts.
#[test]
#[ignore = "started by g1_kill_9_loses_nothing_saved"]
fn kill_test_writer_child() {
    let Ok(dir) = std::env::var("RAKSA_KILL_CHILD_DIR") else {
        return;
    };
    let data = raksa_core::DataDir::new(&dir);
    let clock = std::sync::Arc::new(raksa_core::thai_date::SystemClock);
    let mut s = raksa_core::office::unlock(&data, "admin", PASS, clock).unwrap();
    let start: u64 = std::env::var("RAKSA_KILL_CHILD_START")
        .unwrap()
        .parse()
        .unwrap();
    let mut out = std::io::stdout();
    for n in start.. {
        let body = format!("{:012}", 120_000_000_000 + n);
        let d: Vec<u32> = body.chars().map(|c| c.to_digit(10).unwrap()).collect();
        let sum: u32 = (0..12).map(|i| d[i] * (13 - i as u32)).sum();
        let id = format!("{body}{}", (11 - sum % 11) % 10);
        s.register_person(&raksa_core::model::NewPerson {
            title: "นาง".into(),
            first_name: format!("ทดสอบ{n}"),
            last_name: "กระแทก".into(),
            identity: raksa_core::identity::Identity::CitizenId { number: id },
            birth_date: None,
            sex: raksa_core::model::Sex::Female,
            phone: String::new(),
            address_text: String::new(),
            subdistrict_code: None,
            postcode: None,
        })
        .unwrap();
        // Printed only after the commit returned: "saved" as the user would see it.
        writeln!(out, "saved {n}").unwrap();
        out.flush().unwrap();
    }
}

#[test]
fn g1_kill_9_loses_nothing_saved() {
    use std::io::BufRead;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("office");
    init(&dir);
    let mut next = 0u64;
    let mut saved = Vec::new();
    for round in 0..6u64 {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "kill_test_writer_child",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("RAKSA_KILL_CHILD_DIR", &dir)
            .env("RAKSA_KILL_CHILD_START", next.to_string())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
        // Let it write a varying number of records, then kill -9 mid-stream.
        let target = 3 + (round * 7) % 11;
        let mut last = None;
        for line in lines.by_ref() {
            let line = line.unwrap();
            if let Some(n) = line.strip_prefix("saved ") {
                let n: u64 = n.trim().parse().unwrap();
                saved.push(n);
                last = Some(n);
                if saved.len() as u64 >= target * (round + 1) {
                    break;
                }
            }
        }
        child.kill().unwrap(); // SIGKILL on Unix
        let _ = child.wait();
        next = last.map_or(next, |n| n + 2);

        // Reopen the real encrypted file: healthy, and everything reported saved is there
        // and queued for the server.
        let data = raksa_core::DataDir::new(&dir);
        let clock = std::sync::Arc::new(raksa_core::thai_date::SystemClock);
        let s = raksa_core::office::unlock(&data, "admin", PASS, clock).unwrap();
        let report = s.check().unwrap();
        assert!(report.integrity_ok, "round {round}: {:?}", report.problems);
        let people = s.search_people("กระแทก", 1000).unwrap();
        for n in &saved {
            assert!(
                people
                    .iter()
                    .any(|p| p.display_name.contains(&format!("ทดสอบ{n} "))),
                "round {round}: person {n} was reported saved but is missing"
            );
        }
        let queued = s
            .outbox_batch(100_000)
            .unwrap()
            .iter()
            .filter(|m| m.entity == raksa_protocol::Entity::People)
            .count();
        assert_eq!(
            queued,
            people.len(),
            "round {round}: every saved person is queued"
        );
    }
}

/// A TCP proxy that breaks connections on purpose: each new connection, in a seeded order,
/// is passed through, refused, delayed, or has the server's reply cut off after some bytes
/// (0 bytes = the server applied the push and the PC never heard back).
fn fault_proxy(upstream: std::net::SocketAddr, seed: u64) -> std::net::SocketAddr {
    use std::net::{Shutdown, TcpListener, TcpStream};
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    std::thread::spawn(move || {
        let mut x = seed | 1;
        for conn in l.incoming() {
            let Ok(client) = conn else { continue };
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let mode = x % 6;
            std::thread::spawn(move || {
                if mode == 0 {
                    let _ = client.shutdown(Shutdown::Both); // refused / reset
                    return;
                }
                let Ok(server) = TcpStream::connect(upstream) else {
                    return;
                };
                if mode == 1 {
                    std::thread::sleep(std::time::Duration::from_millis(300));
                }
                let (mut c_read, mut s_write) =
                    (client.try_clone().unwrap(), server.try_clone().unwrap());
                std::thread::spawn(move || {
                    let _ = std::io::copy(&mut c_read, &mut s_write);
                    let _ = s_write.shutdown(Shutdown::Write);
                });
                let (mut s_read, mut c_write) = (server, client);
                // modes 2 and 3 cut the reply: nothing, or a truncated head
                let cut = match mode {
                    2 => Some(0usize),
                    3 => Some(40),
                    _ => None,
                };
                let mut buf = [0u8; 8192];
                let mut sent = 0usize;
                loop {
                    let n = match std::io::Read::read(&mut s_read, &mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => n,
                    };
                    if let Some(limit) = cut {
                        let take = limit.saturating_sub(sent).min(n);
                        let _ = c_write.write_all(&buf[..take]);
                        sent += take;
                        if sent >= limit {
                            break;
                        }
                    } else if c_write.write_all(&buf[..n]).is_err() {
                        break;
                    }
                }
                let _ = c_write.shutdown(Shutdown::Both);
            });
        }
    });
    addr
}

#[test]
fn g2_every_change_arrives_once_through_a_faulty_network() {
    let tmp = tempfile::tempdir().unwrap();
    let db_path = tmp.path().join("server.db");
    let db = format!("sqlite:{}", db_path.display());
    server_cmd(
        &db,
        &["office", "add", "--code", "พล", "--name", "พมจ.พิษณุโลก"],
    );
    let code = enrol_code(&db, "พล");
    let server = start_server(&db, "127.0.0.1:0");
    let upstream: std::net::SocketAddr = server.url.trim_start_matches("http://").parse().unwrap();
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    eprintln!("fault proxy seed {seed}");
    let proxy = fault_proxy(upstream, seed);
    let dir = tmp.path().join("office");
    init(&dir);
    let env = [("RAKSA_PASSPHRASE", PASS), ("RAKSA_USER", "admin")];
    // enrol directly (the code is single-use), then sync only through the proxy
    let o = raksa(
        &dir,
        &["enrol", "--server", &server.url, "--code", &code],
        &env,
    );
    assert!(o.status.success(), "{}", text(&o));
    {
        let data = raksa_core::DataDir::new(&dir);
        let clock = std::sync::Arc::new(raksa_core::thai_date::SystemClock);
        let mut s = raksa_core::office::unlock(&data, "admin", PASS, clock).unwrap();
        let mut cfg = s.sync_config().unwrap().unwrap();
        cfg.server_url = format!("http://{proxy}");
        s.set_sync_config(&cfg).unwrap();
    }
    let ids = [
        "3100600182731",
        "1101700203450",
        "3100501234563",
        "1234567890121",
    ];
    let mut attempts = 0;
    for (i, id) in ids.iter().enumerate() {
        add_person(&dir, &format!("คนที่{i}"), id);
        // keep syncing through the faults until this PC says everything was sent
        loop {
            attempts += 1;
            assert!(attempts < 200, "seed {seed}: never got through");
            let o = raksa(&dir, &["sync", "--once"], &env);
            if o.status.success() {
                break;
            }
        }
    }
    eprintln!("{attempts} sync attempts through the faulty proxy");
    let people = server_people(&db_path);
    assert_eq!(people.len(), ids.len(), "seed {seed}: {people:?}");
    let c = rusqlite::Connection::open(&db_path).unwrap();
    let (n, min, max): (i64, i64, i64) = c
        .query_row(
            "SELECT count(*), min(seq), max(seq) FROM mutations",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        (min, max),
        (1, n),
        "seed {seed}: each mutation applied once, no gaps"
    );
    drop(server);
}

#[test]
fn headless_import_writes_a_report_and_is_all_or_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("office");
    init(&dir);
    let env = [("RAKSA_PASSPHRASE", PASS), ("RAKSA_USER", "admin")];
    let bad = tmp.path().join("bad.csv");
    std::fs::write(
        &bad,
        "คำนำหน้า,ชื่อ,นามสกุล,เลขประจำตัวประชาชน\nนาง,มาลี,ศรีสุข,3100600182731\nนาย,สมชาย,ใจดี,3100600182732\n",
    )
    .unwrap();
    let report = tmp.path().join("report.txt");
    let o = raksa(
        &dir,
        &[
            "import",
            bad.to_str().unwrap(),
            "--report",
            report.to_str().unwrap(),
        ],
        &env,
    );
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    let r = std::fs::read_to_string(&report).unwrap();
    assert!(
        r.contains("แถว 3\tเลขประจำตัวประชาชน\tเลขประจำตัวประชาชนไม่ถูกต้อง"),
        "{r}"
    );
    assert!(r.contains("ผล: ไม่ได้นำเข้า"), "{r}");
    let o = raksa(&dir, &["check", "--json"], &env);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["people"], 0, "nothing written");

    let good = tmp.path().join("good.csv");
    std::fs::write(
        &good,
        "คำนำหน้า,ชื่อ,นามสกุล,เลขประจำตัวประชาชน\nนาง,มาลี,ศรีสุข,3100600182731\nนาย,สมชาย,ใจดี,1101700203450\n",
    )
    .unwrap();
    let o = raksa(&dir, &["import", good.to_str().unwrap()], &env);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("บุคคลใหม่ 2 คน"));
    // The same file again: both rows are people already registered.
    let o = raksa(&dir, &["import", good.to_str().unwrap()], &env);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(text(&o).contains("อาจซ้ำกับบุคคลในระบบ"));
    let o = raksa(
        &dir,
        &["import", good.to_str().unwrap(), "--duplicates", "existing"],
        &env,
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("ใช้ทะเบียนเดิม 2 คน"));
    let o = raksa(&dir, &["check", "--json"], &env);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["people"], 2);

    // A file over the limit is refused before it is read.
    let huge = tmp.path().join("huge.csv");
    let f = std::fs::File::create(&huge).unwrap();
    f.set_len(100 * 1024 * 1024).unwrap();
    let o = raksa(&dir, &["import", huge.to_str().unwrap()], &env);
    assert_eq!(o.status.code(), Some(3));
    assert!(text(&o).contains("ไฟล์ใหญ่เกินกำหนด"), "{}", text(&o));
}
