//! Headless administration from the same binary, no display needed:
//! `raksa --data-dir DIR <command>`. Secrets come from `RAKSA_PASSPHRASE` (and
//! `RAKSA_RECOVERY_KEY` / `RAKSA_NEW_PASSPHRASE`) or an interactive prompt — never from
//! command-line flags, which other users of the PC can see in the process list.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use clap::{Parser, Subcommand, ValueEnum};
use raksa_core::backup::{self, RestoreCredentials};
use raksa_core::model::{NewUser, OfficeSetup, Role, Uuid};
use raksa_core::office;
use raksa_core::thai_date::SystemClock;
use raksa_core::{CoreError, DataDir, Session};
use zeroize::Zeroizing;

#[derive(Parser, Debug)]
#[command(
    name = "raksa",
    version,
    about = "รักษา Raksa — ระบบจัดการรายกรณี / case management for MSDHS provincial offices",
    long_about = "Without a command, opens the desktop app. With a command, runs it headless.\n\
                  Secrets are read from RAKSA_PASSPHRASE (RAKSA_RECOVERY_KEY, RAKSA_NEW_PASSPHRASE) \
                  or asked for interactively."
)]
pub struct Cli {
    /// The office data folder (default: RAKSA_DATA_DIR, else the per-user app-data folder).
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Set up the office and its first administrator (the admin password is RAKSA_PASSPHRASE).
    Init {
        #[arg(long)]
        office_name: String,
        #[arg(long)]
        office_address: String,
        /// Province letter code, e.g. พล
        #[arg(long)]
        letter_code: String,
        /// The office's number in the ที่ line of its letters, e.g. 0027 (พล ๐๐๒๗/๑๒๓)
        #[arg(long)]
        office_number: String,
        #[arg(long)]
        office_phone: String,
        #[arg(long)]
        admin_user: String,
        #[arg(long)]
        admin_name: String,
        #[arg(long)]
        admin_position: String,
    },
    /// Check the database: key, integrity and schema version. Exit 0 when healthy.
    Check {
        #[arg(long, env = "RAKSA_USER")]
        user: Option<String>,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Write an encrypted, verifiable backup of the office to FILE.
    Backup {
        file: PathBuf,
        #[arg(long, env = "RAKSA_USER")]
        user: Option<String>,
    },
    /// Recompute the audit trail's hash chain; exit 1 when an entry was changed or removed.
    #[command(name = "audit-verify")]
    AuditVerify {
        #[arg(long, env = "RAKSA_USER")]
        user: Option<String>,
    },
    /// Check a backup file's structure and checksum (no secret needed).
    VerifyBackup { file: PathBuf },
    /// Replace this PC's office data with a backup (the old files are kept aside).
    Restore {
        file: PathBuf,
        /// A user of the backed-up office; without it the recovery key is asked for.
        #[arg(long, env = "RAKSA_USER")]
        user: Option<String>,
    },
    /// Export data as JSON: one person (PDPA right of access) or the whole office.
    Export {
        #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
        format: ExportFormat,
        /// The person's record id; without it, every person (administrators only).
        #[arg(long)]
        person: Option<String>,
        /// Write to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
        #[arg(long, env = "RAKSA_USER")]
        user: Option<String>,
        /// Include other people's data (reporter, household members, staff) in a person's
        /// export; needs --reason. Withheld by default (PDPA §30).
        #[arg(long, requires = "reason")]
        include_third_parties: bool,
        /// Why other people's data is included (recorded in the export).
        #[arg(long)]
        reason: Option<String>,
    },
    /// Write a referral's letter and referral form as PDF (the same file the app prints).
    /// REFERRAL is the referral's id or its register number, e.g. 123/2569.
    Letter {
        referral: String,
        #[arg(long)]
        out: PathBuf,
        #[arg(long, env = "RAKSA_USER")]
        user: Option<String>,
    },
    /// Enrol this PC with the central server using a one-time code from its administrator.
    Enrol {
        #[arg(long)]
        server: String,
        #[arg(long)]
        code: String,
        /// How the server lists this PC (default: the computer's name).
        #[arg(long)]
        name: Option<String>,
        #[arg(long, env = "RAKSA_USER")]
        user: Option<String>,
    },
    /// Send queued changes to the central server and receive the office's records.
    Sync {
        /// One push-then-pull cycle, then exit (0 when everything was sent). The cycle
        /// goes through the whole backlog, waiting whenever a busy server asks it to.
        #[arg(long)]
        once: bool,
        #[arg(long, env = "RAKSA_USER")]
        user: Option<String>,
    },
    /// Import a register of people (with households and cases) from CSV or .xlsx, all or
    /// nothing, with the same checks as the app. Exit 0 imported, 3 refused (see report).
    Import {
        file: PathBuf,
        /// Write the row-by-row report (Thai) to this file as well as printing it.
        #[arg(long)]
        report: Option<PathBuf>,
        /// Rows that may be people already registered: refuse the import (default), use
        /// the best-matching existing record, or register them as new people.
        #[arg(long, value_enum, default_value_t = DuplicatePolicy::Refuse)]
        duplicates: DuplicatePolicy,
        /// Check and report only; write nothing.
        #[arg(long)]
        dry_run: bool,
        #[arg(long, env = "RAKSA_USER")]
        user: Option<String>,
    },
    /// Set a new password for a user with the office recovery key.
    ResetPassword {
        #[arg(long)]
        user: String,
    },
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum DuplicatePolicy {
    Refuse,
    Existing,
    New,
}

#[derive(Copy, Clone, Debug, ValueEnum)]
pub enum ExportFormat {
    Json,
    /// The readable PDF of one person's record (with --person and --out).
    Pdf,
}

/// No secret in the environment and nobody at a terminal to ask: fail at once, clearly.
fn need_terminal(env: &str) -> Result<(), CoreError> {
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        Ok(())
    } else {
        eprintln!("ต้องกำหนด {env} หรือรันในหน้าต่างคำสั่งเพื่อพิมพ์รหัส / Set {env} or run in a terminal");
        Err(CoreError::BadCredentials)
    }
}

fn secret(env: &str, prompt: &str) -> Result<Zeroizing<String>, CoreError> {
    if let Ok(v) = std::env::var(env) {
        return Ok(Zeroizing::new(v));
    }
    need_terminal(env)?;
    rpassword::prompt_password(prompt)
        .map(Zeroizing::new)
        .map_err(CoreError::Io)
}

fn new_secret(env: &str, prompt: &str) -> Result<Zeroizing<String>, CoreError> {
    if let Ok(v) = std::env::var(env) {
        return Ok(Zeroizing::new(v));
    }
    need_terminal(env)?;
    let a = Zeroizing::new(rpassword::prompt_password(prompt)?);
    let b = Zeroizing::new(rpassword::prompt_password("ยืนยันอีกครั้ง / Repeat: ")?);
    if *a != *b {
        return Err(CoreError::field(
            "password",
            raksa_core::FieldProblem::PasswordMismatch,
        ));
    }
    Ok(a)
}

fn open(dir: &DataDir, user: Option<&str>) -> Result<Session, CoreError> {
    let pass = secret("RAKSA_PASSPHRASE", "รหัสผ่าน / Password: ")?;
    let clock = Arc::new(SystemClock);
    match user {
        Some(u) => office::unlock(dir, u, &pass, clock),
        None => office::unlock_with_secret(dir, &pass, clock),
    }
}

/// Reads a file to import, refusing one over the limit before reading it.
fn read_import_file(path: &std::path::Path) -> Result<Vec<u8>, CoreError> {
    let len = std::fs::metadata(path)?.len();
    if len > raksa_core::table::MAX_IMPORT_BYTES {
        return Err(CoreError::Import(raksa_core::import::ImportRefusal::File(
            raksa_core::table::FileProblem::TooLarge {
                limit_mb: (raksa_core::table::MAX_IMPORT_BYTES / (1024 * 1024)) as u32,
            },
        )));
    }
    Ok(std::fs::read(path)?)
}

fn report(e: &CoreError) -> i32 {
    eprintln!("ผิดพลาด: {}", e.message_th());
    eprintln!("Error: {}", e.message_en());
    for f in e.field_errors() {
        eprintln!("  {}: {} / {}", f.field, f.message_th, f.message_en);
    }
    match e {
        CoreError::BadCredentials | CoreError::Throttled { .. } | CoreError::Invalid(_) => 2,
        CoreError::Import(_) => 3,
        _ => 1,
    }
}

pub fn run(dir: &DataDir, cmd: Command) -> i32 {
    match run_inner(dir, cmd) {
        Ok(code) => code,
        Err(e) => report(&e),
    }
}

fn run_inner(dir: &DataDir, cmd: Command) -> Result<i32, CoreError> {
    let clock = Arc::new(SystemClock);
    match cmd {
        Command::Init {
            office_name,
            office_address,
            letter_code,
            office_number,
            office_phone,
            admin_user,
            admin_name,
            admin_position,
        } => {
            if dir.is_initialised() {
                return Err(CoreError::AlreadyInitialised);
            }
            let password = new_secret("RAKSA_PASSPHRASE", "รหัสผ่านผู้ดูแลระบบ / Admin password: ")?;
            let (session, rk) = office::init_office(
                dir,
                &OfficeSetup {
                    name: office_name,
                    address: office_address,
                    letter_code,
                    office_number,
                    phone: office_phone,
                },
                &NewUser {
                    username: admin_user,
                    full_name: admin_name,
                    position: admin_position,
                    role: Role::Admin,
                    password: password.to_string(),
                },
                clock,
            )?;
            drop(session);
            println!(
                "ตั้งค่าสำนักงานเรียบร้อย / Office set up in {}",
                dir.root().display()
            );
            println!();
            println!("รหัสกู้คืนของสำนักงาน (พิมพ์เก็บไว้ในตู้นิรภัย จะแสดงครั้งเดียวเท่านั้น)");
            println!("Office recovery key (print it and keep it in the safe; shown only once):");
            println!();
            println!("    {}", rk.display());
            Ok(0)
        }
        Command::Letter {
            referral,
            out,
            user,
        } => {
            let s = open(dir, user.as_deref())?;
            let id = match Uuid::parse_str(referral.trim()) {
                Ok(id) => id,
                Err(_) => {
                    let (n, y) = referral
                        .trim()
                        .split_once('/')
                        .and_then(|(n, y)| Some((n.trim().parse().ok()?, y.trim().parse().ok()?)))
                        .ok_or(CoreError::NotFound)?;
                    s.referral_by_register(y, n)?
                }
            };
            let pdf = s.referral_letter_pdf(id)?;
            std::fs::write(&out, pdf)?;
            println!("บันทึกหนังสือส่งต่อแล้ว / Letter written: {}", out.display());
            Ok(0)
        }
        Command::Enrol {
            server,
            code,
            name,
            user,
        } => {
            let mut s = open(dir, user.as_deref())?;
            let name = name
                .or_else(|| std::env::var("COMPUTERNAME").ok())
                .or_else(|| std::env::var("HOSTNAME").ok())
                .unwrap_or_else(|| "office-pc".into());
            let r = match tauri::async_runtime::block_on(raksa_sync::enrol(
                &server,
                &code,
                &name,
                s.admin_key_grant(),
            )) {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("ผิดพลาด: {}", e.message_th());
                    eprintln!("Error: {e}");
                    return Ok(1);
                }
            };
            s.set_sync_config(&raksa_core::sync::SyncConfig {
                server_url: server,
                device_id: r.device_id,
                token: r.token,
                office: r.office,
            })?;
            println!("ลงทะเบียนเครื่องกับเซิร์ฟเวอร์ส่วนกลางแล้ว / enrolled");
            for series in s.apply_block_grants(&r.blocks)? {
                println!(
                    "คำเตือน: ใช้ช่วงเลข {series} ที่เซิร์ฟเวอร์กำหนดไม่ได้ (ซ้อนกับเลขที่ออกไปแล้ว) กรุณากำหนดช่วงเลขเอง / warning: could not take the server's {series} block"
                );
            }
            Ok(0)
        }
        Command::Sync { once, user } => {
            let s = std::sync::Mutex::new(open(dir, user.as_deref())?);
            let mut failures = 0u32;
            loop {
                let line = ProgressLine::default();
                let progress = |p: raksa_sync::Progress| line.show(p);
                let result =
                    tauri::async_runtime::block_on(raksa_sync::sync_with_progress(&s, &progress));
                line.done();
                match result {
                    Ok(r) => {
                        let st = raksa_sync::Local::with(&s, |x| x.sync_status())?;
                        println!(
                            "ส่งแล้ว {} รายการ (ขัดแย้ง {}, ถูกปฏิเสธ {}) · รับ {} รายการ · ค้างส่ง {} / pushed {}, pulled {}, pending {}",
                            r.pushed,
                            r.conflicts,
                            r.rejected,
                            r.pulled,
                            st.pending,
                            r.pushed,
                            r.pulled,
                            st.pending
                        );
                        failures = 0;
                        if once {
                            return Ok(if st.pending == 0 { 0 } else { 1 });
                        }
                        std::thread::sleep(std::time::Duration::from_secs(60));
                    }
                    Err(e) => {
                        eprintln!("ผิดพลาด: {}", e.message_th());
                        eprintln!("Error: {e}");
                        if once || !e.transient() {
                            return Ok(if e.transient() { 3 } else { 1 });
                        }
                        failures += 1;
                        std::thread::sleep(raksa_sync::wait_after(failures, &e));
                    }
                }
            }
        }
        Command::AuditVerify { user } => {
            let s = open(dir, user.as_deref())?;
            let c = s.verify_audit()?;
            println!(
                "บันทึกการใช้งาน / audit trail: {} รายการ / entries ({} ก่อนเริ่มลูกโซ่ / before the chain began)",
                c.entries, c.before_chain
            );
            match c.broken_at {
                None => {
                    println!("ลูกโซ่ครบถ้วน ไม่มีการแก้ไขหรือลบ / chain intact");
                    Ok(0)
                }
                Some(seq) => {
                    println!(
                        "ลูกโซ่ขาดที่รายการ {seq}: รายการนี้ถูกแก้ไข หรือรายการก่อนหน้าถูกลบ / chain broken at entry {seq}"
                    );
                    Ok(1)
                }
            }
        }
        Command::Check { user, json } => {
            let s = open(dir, user.as_deref())?;
            let r = s.check()?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&r).expect("serialisable")
                );
            } else {
                println!(
                    "ฐานข้อมูล / database: {}",
                    if r.integrity_ok {
                        "สมบูรณ์ / ok"
                    } else {
                        "มีปัญหา / PROBLEMS"
                    }
                );
                println!(
                    "รุ่นโครงสร้าง / schema: {} (latest {})",
                    r.schema_version, r.latest_schema_version
                );
                println!(
                    "ผู้ใช้ {} · บุคคล {} · กรณี {} · บันทึกการใช้งาน {} / users, people, cases, audit entries",
                    r.users, r.people, r.cases, r.audit_entries
                );
                for p in &r.problems {
                    println!("  ! {p}");
                }
            }
            Ok(
                if r.integrity_ok && r.schema_version == r.latest_schema_version {
                    0
                } else {
                    1
                },
            )
        }
        Command::Backup { file, user } => {
            let s = open(dir, user.as_deref())?;
            let h = s.backup_to(&file)?;
            println!(
                "สำรองข้อมูลแล้ว / backup written: {} ({} bytes, sha256 {})",
                file.display(),
                h.db_len,
                h.db_sha256
            );
            Ok(0)
        }
        Command::VerifyBackup { file } => {
            let (h, _) = backup::verify(&file)?;
            println!(
                "ไฟล์สำรองถูกต้อง / backup verified: created {}, schema {}, {} bytes",
                h.created_at, h.schema_version, h.db_len
            );
            Ok(0)
        }
        Command::Restore { file, user } => {
            let (s, aside) = match user.as_deref() {
                Some(u) => {
                    let pass = secret("RAKSA_PASSPHRASE", "รหัสผ่าน / Password: ")?;
                    backup::restore(
                        dir,
                        &file,
                        RestoreCredentials::User {
                            username: u,
                            password: &pass,
                        },
                        clock,
                    )?
                }
                None => {
                    let rk = secret("RAKSA_RECOVERY_KEY", "รหัสกู้คืน / Recovery key: ")?;
                    backup::restore(dir, &file, RestoreCredentials::RecoveryKey(&rk), clock)?
                }
            };
            let r = s.check()?;
            println!("กู้คืนแล้ว / restored: {} people, {} cases", r.people, r.cases);
            if !aside.as_os_str().is_empty() {
                println!("ไฟล์เดิมเก็บไว้ที่ / previous files kept in: {}", aside.display());
            }
            Ok(0)
        }
        Command::Export {
            format: ExportFormat::Json,
            person,
            out,
            user,
            include_third_parties,
            reason,
        } => {
            let s = open(dir, user.as_deref())?;
            let scope = raksa_core::pdpa::ExportScope {
                include_third_parties,
                reason: reason.unwrap_or_default(),
            };
            let value = match person {
                Some(p) => {
                    let id = Uuid::parse_str(&p).map_err(|_| CoreError::NotFound)?;
                    s.export_person(id, &scope)?
                }
                None => s.export_all()?,
            };
            let text = serde_json::to_string_pretty(&value).expect("serialisable");
            match out {
                Some(path) => {
                    raksa_core::keyslots::write_atomic(&path, text.as_bytes())?;
                    eprintln!("ส่งออกแล้ว / exported: {}", path.display());
                }
                None => {
                    let mut o = std::io::stdout().lock();
                    o.write_all(text.as_bytes())?;
                    o.write_all(b"\n")?;
                }
            }
            Ok(0)
        }
        Command::Import {
            file,
            report,
            duplicates,
            dry_run,
            user,
        } => {
            let bytes = read_import_file(&file)?;
            let mut s = open(dir, user.as_deref())?;
            let preview = s.import_preview(&bytes)?;
            let decisions = preview.decide_all(duplicates == DuplicatePolicy::Existing);
            let outcome = if dry_run {
                Err("ตรวจสอบอย่างเดียว (--dry-run) / checked only".to_owned())
            } else if preview.rows_with_errors == 0
                && preview.rows_with_duplicates > 0
                && duplicates == DuplicatePolicy::Refuse
            {
                Err(raksa_core::import::ImportRefusal::Undecided {
                    rows: preview.rows_with_duplicates,
                }
                .message_th())
            } else {
                s.import_commit(&bytes, &decisions)
                    .map_err(|e| e.message_th())
            };
            let text = raksa_core::import::report_text(&preview, &outcome);
            print!("{text}");
            if let Some(path) = report {
                raksa_core::keyslots::write_atomic(&path, text.as_bytes())?;
            }
            Ok(
                if outcome.is_ok() || dry_run && preview.rows_with_errors == 0 {
                    0
                } else {
                    3
                },
            )
        }
        Command::Export {
            format: ExportFormat::Pdf,
            person,
            out,
            user,
            include_third_parties,
            reason,
        } => {
            let scope = raksa_core::pdpa::ExportScope {
                include_third_parties,
                reason: reason.unwrap_or_default(),
            };
            let (Some(p), Some(out)) = (person, out) else {
                eprintln!("ต้องระบุ --person และ --out / --person and --out are required for pdf");
                return Ok(2);
            };
            let s = open(dir, user.as_deref())?;
            let id = Uuid::parse_str(&p).map_err(|_| CoreError::NotFound)?;
            let files = s.export_person_files(id, &scope)?;
            raksa_core::keyslots::write_atomic(&out, &files.pdf)?;
            eprintln!("ส่งออกแล้ว / exported: {}", out.display());
            Ok(0)
        }
        Command::ResetPassword { user } => {
            let rk = secret("RAKSA_RECOVERY_KEY", "รหัสกู้คืน / Recovery key: ")?;
            let pw = new_secret("RAKSA_NEW_PASSPHRASE", "รหัสผ่านใหม่ / New password: ")?;
            let s = office::reset_password_with_recovery(dir, &rk, &user, &pw, clock)?;
            drop(s);
            println!("ตั้งรหัสผ่านใหม่แล้ว / password reset for {user}");
            Ok(0)
        }
    }
}

/// The sync progress on standard error: at most one line a second (and every wait the
/// server asks for), so a backlog of hundreds of thousands of changes shows it is moving.
#[derive(Default)]
struct ProgressLine {
    last: std::cell::Cell<Option<std::time::Instant>>,
    pending: std::cell::Cell<Option<raksa_sync::Progress>>,
}

impl ProgressLine {
    fn show(&self, p: raksa_sync::Progress) {
        let now = std::time::Instant::now();
        let due = self
            .last
            .get()
            .is_none_or(|t| now.duration_since(t).as_secs_f64() >= 1.0);
        if due || matches!(p, raksa_sync::Progress::Waiting { .. }) {
            self.last.set(Some(now));
            self.pending.set(None);
            eprintln!("{}", progress_text(p));
        } else {
            self.pending.set(Some(p));
        }
    }

    /// The last state not yet shown, so the final count is always on screen.
    fn done(&self) {
        if let Some(p) = self.pending.take() {
            eprintln!("{}", progress_text(p));
        }
    }
}

fn progress_text(p: raksa_sync::Progress) -> String {
    match p {
        raksa_sync::Progress::Pushed { done, queued } => format!(
            "กำลังส่ง {done}/{queued} รายการ ({}%) / pushing {done} of {queued}",
            (done * 100).checked_div(queued).unwrap_or(100)
        ),
        raksa_sync::Progress::Pulled { records } => {
            format!("กำลังรับข้อมูลของสำนักงาน {records} รายการ / pulled {records}")
        }
        raksa_sync::Progress::Waiting { seconds } => format!(
            "เซิร์ฟเวอร์มีงานมาก ขอให้รอ {seconds} วินาที แล้วจะส่งต่อเอง / server busy: waiting {seconds} s as asked"
        ),
    }
}
