//! `raksa-server`: serve the sync API, and administer offices and devices.
//!
//! `raksa-server --db sqlite:raksa-server.db serve --listen 127.0.0.1:8787`
//! `raksa-server --db postgres://user@host/raksa device enroll --office พล`

use std::sync::Arc;

use clap::{Parser, Subcommand};
use raksa_server::api::{AppState, router};
use raksa_server::store::{Store, StoreError};

#[derive(Parser)]
#[command(
    name = "raksa-server",
    version,
    about = "Raksa central server / เซิร์ฟเวอร์ส่วนกลางของรักษา"
)]
struct Cli {
    /// `sqlite:PATH` (default, zero set-up) or `postgres://…` (national scale).
    #[arg(
        long,
        env = "RAKSA_SERVER_DB",
        default_value = "sqlite:raksa-server.db"
    )]
    db: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API. Plain HTTP: put it behind a TLS reverse proxy (see the README).
    Serve {
        #[arg(long, default_value = "127.0.0.1:8787")]
        listen: String,
        /// Requests per second per device.
        #[arg(long, default_value_t = 20.0)]
        rate: f64,
        /// Serve HTTPS with this certificate chain (PEM); needs --tls-key.
        #[arg(long, requires = "tls_key")]
        tls_cert: Option<std::path::PathBuf>,
        /// The certificate's private key (PEM).
        #[arg(long, requires = "tls_cert")]
        tls_key: Option<std::path::PathBuf>,
        /// The address office PCs use for this server (e.g. https://raksa.m-society.go.th),
        /// for download links in release offers; default: the request's own Host.
        #[arg(long, env = "RAKSA_PUBLIC_URL")]
        public_url: Option<String>,
        /// The address of a reverse proxy in front of this server (repeatable): its
        /// X-Forwarded-For names the client, for per-client limits.
        #[arg(long)]
        trusted_proxy: Vec<std::net::IpAddr>,
    },
    /// An office's audit trail as uploaded by its PCs (who looked at which record, when),
    /// one JSON object per line.
    Audit {
        #[arg(long)]
        office: String,
    },
    /// Rotate the master key that wraps the offices' data keys: a new key is written to
    /// NEW (which must not exist), every office key re-wrapped under it in one transaction;
    /// then put NEW in place of the old key file (or point RAKSA_SERVER_MASTER_KEY_FILE at it).
    RotateMasterKey {
        #[arg(long)]
        new: std::path::PathBuf,
    },
    /// Signed releases of the office app (updates the PCs install themselves).
    Release {
        #[command(subcommand)]
        command: ReleaseCommand,
    },
    /// Offices.
    Office {
        #[command(subcommand)]
        command: OfficeCommand,
    },
    /// Devices (office PCs).
    Device {
        #[command(subcommand)]
        command: DeviceCommand,
    },
    /// Staff of the national tracking centre (ศรส./HuSEC) who may see the national view.
    Staff {
        #[command(subcommand)]
        command: StaffCommand,
    },
    /// Partner systems (e.g. ESS Help Me) that file requests for help through the API.
    Partner {
        #[command(subcommand)]
        command: PartnerCommand,
    },
    /// The routing table: which office answers requests for help from a province or district.
    Route {
        #[command(subcommand)]
        command: RouteCommand,
    },
    /// HuSEC's escalation steps: the days an office has to answer an expedite notice of each
    /// step, as dated rules (a new version from a day on; sent notices keep their dates).
    Escalation {
        #[command(subcommand)]
        command: EscalationCommand,
    },
    /// Accounts of the 1300 console (hotline officers and supervisors).
    Hotline {
        #[command(subcommand)]
        command: HotlineCommand,
    },
    /// Requests for help: the national queue and routing one by hand (HuSEC).
    Request {
        #[command(subcommand)]
        command: RequestCommand,
    },
    /// Accounts of HuSEC (ศรส.) tracking staff for the /husec pages, and their audit.
    Husec {
        #[command(subcommand)]
        command: HusecCommand,
    },
    /// HuSEC's tracking rows and figures.
    Tracking {
        #[command(subcommand)]
        command: TrackingCommand,
    },
}

#[derive(Subcommand)]
enum HusecCommand {
    /// Add (or reset) an account; the password comes from RAKSA_HUSEC_PASSWORD or is made
    /// and shown once.
    Add {
        #[arg(long)]
        username: String,
        #[arg(long)]
        name: String,
        /// national (every province), regional (--provinces 65,64,…) or provincial
        /// (--provinces 65)
        #[arg(long)]
        role: String,
        #[arg(long, default_value = "")]
        provinces: String,
    },
    /// Disable an account and end its sessions at once.
    Disable {
        #[arg(long)]
        username: String,
    },
    /// The server's audit of staff access (newest first), as JSON lines.
    Audit {
        /// Only accesses to this office's records.
        #[arg(long)]
        office: Option<String>,
        #[arg(long, default_value_t = 1000)]
        limit: u32,
    },
}

#[derive(Subcommand)]
enum TrackingCommand {
    /// Recompute every tracking row and figure from the records.
    Rebuild,
}

#[derive(Subcommand)]
enum PartnerCommand {
    /// Issue an API key (shown once) for a partner system.
    Add {
        #[arg(long)]
        name: String,
    },
    /// Revoke a partner's keys at once.
    Revoke {
        #[arg(long)]
        name: String,
    },
    List,
}

#[derive(Subcommand)]
enum HotlineCommand {
    /// Add (or reset) an account; the password comes from RAKSA_HOTLINE_PASSWORD or is
    /// made and shown once.
    Add {
        #[arg(long)]
        username: String,
        #[arg(long)]
        name: String,
        /// officer or supervisor
        #[arg(long, default_value = "officer")]
        role: String,
    },
    /// Disable an account and end its sessions at once.
    Disable {
        #[arg(long)]
        username: String,
    },
}

#[derive(Subcommand)]
enum RouteCommand {
    /// A province (2 digits) or district (4 digits) is answered by an office (its code).
    Set {
        #[arg(long)]
        area: String,
        #[arg(long)]
        office: String,
    },
    Remove {
        #[arg(long)]
        area: String,
    },
    List,
}

#[derive(Subcommand)]
enum EscalationCommand {
    /// Days to answer a notice of a step (first, second, provincial_head), from a day on.
    Add {
        #[arg(long)]
        step: String,
        #[arg(long)]
        days: u32,
        /// The first day the rule applies (YYYY-MM-DD, today or later).
        #[arg(long)]
        from: String,
        /// Who sets it and under which instruction (kept with the rule).
        #[arg(long)]
        by: String,
    },
    /// Every rule version, oldest first (the domain's defaults from 2000-01-01).
    List,
}

#[derive(Subcommand)]
enum RequestCommand {
    /// Requests no office covers, waiting for HuSEC to route them.
    Queue,
    /// Give a request to an office.
    Route {
        id: String,
        #[arg(long)]
        office: String,
        /// Who routes it (recorded in the request's history).
        #[arg(long)]
        by: String,
    },
}

#[derive(Subcommand)]
enum StaffCommand {
    /// Issue a credential (shown once) for the national view.
    Add {
        #[arg(long)]
        name: String,
        /// Days the credential is valid (1–365).
        #[arg(long, default_value_t = 90)]
        days: u32,
    },
    /// Revoke every credential of a staff member at once.
    Revoke {
        #[arg(long)]
        name: String,
    },
}

#[derive(Subcommand)]
enum ReleaseCommand {
    /// Make the ministry's release signing key pair (on the release manager's machine, never
    /// on the server). The secret key is encrypted with RAKSA_RELEASE_KEY_PASSWORD.
    Keygen {
        /// Folder for raksa-release.key (secret) and raksa-release.pub.
        #[arg(long)]
        out: std::path::PathBuf,
        /// Leave the secret key unencrypted (test keys only).
        #[arg(long)]
        no_password: bool,
    },
    /// Sign a package for a version: writes PACKAGE.sig (Tauri's signature format).
    Sign {
        #[arg(long)]
        key: std::path::PathBuf,
        #[arg(long)]
        version: String,
        package: std::path::PathBuf,
    },
    /// Publish a signed package to the PCs (checked against the public key first).
    Publish {
        /// e.g. linux-x86_64 (the .deb) or windows-x86_64 (the .msi).
        #[arg(long)]
        target: String,
        #[arg(long)]
        version: String,
        /// What changed, in Thai, for the office administrator who decides to install.
        #[arg(long)]
        notes_th: std::path::PathBuf,
        #[arg(long)]
        notes_en: Option<std::path::PathBuf>,
        #[arg(long)]
        package: std::path::PathBuf,
        /// Default: PACKAGE.sig.
        #[arg(long)]
        signature: Option<std::path::PathBuf>,
        /// The ministry's release public key (raksa-release.pub).
        #[arg(long)]
        pubkey: std::path::PathBuf,
    },
    /// The published releases of a target.
    List {
        #[arg(long)]
        target: String,
    },
}

#[derive(Subcommand)]
enum OfficeCommand {
    /// Add (or rename) an office by its letter code, e.g. พล.
    Add {
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
        /// The office's province (DOPA code, e.g. 65): HuSEC's provincial scopes and
        /// figures. Without it, the province of its routing rules is used.
        #[arg(long)]
        province: Option<String>,
    },
}

#[derive(Subcommand)]
enum DeviceCommand {
    /// Issue a one-time enrolment code (valid 7 days) for a PC of the office.
    Enroll {
        #[arg(long)]
        office: String,
    },
    /// Stop a device at once.
    Revoke { id: String },
    /// List devices.
    List,
}

fn fail(e: StoreError) -> i32 {
    match e {
        StoreError::Refused(_, b) => eprintln!("ผิดพลาด: {}\nError: {}", b.message_th, b.message_en),
        StoreError::Db(m) => eprintln!("Error: {m}"),
    }
    1
}

fn sig_path_of(package: &std::path::Path) -> std::path::PathBuf {
    let mut p = package.as_os_str().to_owned();
    p.push(".sig");
    p.into()
}

fn key_password() -> Option<String> {
    std::env::var("RAKSA_RELEASE_KEY_PASSWORD")
        .ok()
        .filter(|p| !p.is_empty())
}

fn release_keygen(out: &std::path::Path, no_password: bool) -> i32 {
    let password = key_password();
    if password.is_none() && !no_password {
        eprintln!(
            "กรุณาตั้งรหัสผ่านของกุญแจใน RAKSA_RELEASE_KEY_PASSWORD / set RAKSA_RELEASE_KEY_PASSWORD (or --no-password for a test key)"
        );
        return 1;
    }
    let (sk, pk) = match raksa_server::release::generate_key(password) {
        Ok(k) => k,
        Err(e) => {
            eprintln!("{e}");
            return 1;
        }
    };
    let _ = std::fs::create_dir_all(out);
    let (skp, pkp) = (out.join("raksa-release.key"), out.join("raksa-release.pub"));
    if let Err(e) = raksa_server::write_new_file(&skp, sk.as_bytes(), 0o600)
        .and_then(|()| raksa_server::write_new_file(&pkp, pk.as_bytes(), 0o644))
    {
        eprintln!("ไม่ได้เขียนทับกุญแจเดิม / not overwriting: {e}");
        return 1;
    }
    println!("{pk}");
    eprintln!(
        "กุญแจลับ: {} (เก็บไว้นอกเซิร์ฟเวอร์) / secret key kept off the server\nสร้างชุดติดตั้งด้วย RAKSA_UPDATE_PUBKEY=<บรรทัดข้างบน> / build installers with RAKSA_UPDATE_PUBKEY set to the line above",
        skp.display()
    );
    0
}

fn release_sign(key: &std::path::Path, version: &str, package: &std::path::Path) -> i32 {
    let (sk, data) = match (std::fs::read_to_string(key), std::fs::read(package)) {
        (Ok(k), Ok(d)) => (k, d),
        (Err(e), _) => {
            eprintln!("{}: {e}", key.display());
            return 1;
        }
        (_, Err(e)) => {
            eprintln!("{}: {e}", package.display());
            return 1;
        }
    };
    let name = package
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    match raksa_server::release::sign(&sk, key_password(), &data, &name, version) {
        Ok(sig) => {
            let out = sig_path_of(package);
            if let Err(e) = std::fs::write(&out, sig) {
                eprintln!("{}: {e}", out.display());
                return 1;
            }
            println!("{}", out.display());
            0
        }
        Err(e) => {
            eprintln!("ลงลายเซ็นไม่สำเร็จ / signing failed: {e}");
            1
        }
    }
}

fn main() {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let cli = Cli::parse();
    // Signing never touches (or creates) a server database.
    let command = match cli.command {
        Command::Release {
            command: ReleaseCommand::Keygen { out, no_password },
        } => std::process::exit(release_keygen(&out, no_password)),
        Command::Release {
            command:
                ReleaseCommand::Sign {
                    key,
                    version,
                    package,
                },
        } => std::process::exit(release_sign(&key, &version, &package)),
        other => other,
    };
    let store = match Store::open(&cli.db) {
        Ok(s) => s,
        Err(e) => std::process::exit(fail(e)),
    };
    let code = match command {
        Command::Release {
            command: ReleaseCommand::Keygen { .. } | ReleaseCommand::Sign { .. },
        } => unreachable!("handled before the store is opened"),
        Command::Release {
            command:
                ReleaseCommand::Publish {
                    target,
                    version,
                    notes_th,
                    notes_en,
                    package,
                    signature,
                    pubkey,
                },
        } => {
            let read = |p: &std::path::Path| {
                std::fs::read_to_string(p).map_err(|e| eprintln!("{}: {e}", p.display()))
            };
            let sig_path = signature.unwrap_or_else(|| sig_path_of(&package));
            let (Ok(th), Ok(sig), Ok(key)) = (read(&notes_th), read(&sig_path), read(&pubkey))
            else {
                std::process::exit(1);
            };
            let en = match notes_en.as_deref().map(read) {
                Some(Ok(t)) => t,
                Some(Err(())) => std::process::exit(1),
                None => String::new(),
            };
            let data = match std::fs::read(&package) {
                Ok(d) => d,
                Err(e) => {
                    eprintln!("{}: {e}", package.display());
                    std::process::exit(1);
                }
            };
            match store.publish_release(&target, &version, &th, &en, &sig, &key, &data) {
                Ok(r) => {
                    println!(
                        "เผยแพร่รุ่น {} ({}) แล้ว ลายเซ็นถูกต้อง / published {} for {}, signature verified, sha256 {}",
                        r.version, r.target, r.version, r.target, r.sha256
                    );
                    0
                }
                Err(e) => fail(e),
            }
        }
        Command::RotateMasterKey { new } => match store.rotate_master_key(&new) {
            Ok(n) => {
                println!(
                    "ห่อกุญแจของ {n} สำนักงานด้วยกุญแจหลักใหม่แล้ว: ใช้ไฟล์ {} แทนไฟล์เดิม / re-wrapped {n} office keys: use {} from now on",
                    new.display(),
                    new.display()
                );
                0
            }
            Err(e) => fail(e),
        },
        Command::Audit { office } => match store.all_records_of("audit_log") {
            Ok(rows) => {
                let mut entries: Vec<serde_json::Value> = rows
                    .into_iter()
                    .filter(|(o, _)| *o == office)
                    .filter_map(|(_, f)| serde_json::from_str(&f).ok())
                    .collect();
                entries.sort_by(|a, b| a["at"].as_str().cmp(&b["at"].as_str()));
                for e in entries {
                    println!("{e}");
                }
                0
            }
            Err(e) => fail(e),
        },
        Command::Release {
            command: ReleaseCommand::List { target },
        } => match store.releases(&target) {
            Ok(rs) => {
                for r in rs {
                    println!(
                        "{}\t{}\t{} bytes\t{}",
                        r.version, r.published_at, r.size, r.sha256
                    );
                }
                0
            }
            Err(e) => fail(e),
        },
        Command::Serve {
            listen,
            rate,
            tls_cert,
            tls_key,
            public_url,
            trusted_proxy,
        } => {
            let rt = tokio::runtime::Runtime::new().expect("tokio runtime");
            rt.block_on(async move {
                let https = tls_cert.is_some();
                let state = Arc::new(
                    AppState::new(store, rate, rate * 5.0)
                        .with_public_url(public_url, https)
                        .with_trusted_proxies(trusted_proxy),
                );
                let shutdown = async {
                    let _ = tokio::signal::ctrl_c().await;
                };
                if let (Some(cert), Some(key)) = (tls_cert, tls_key) {
                    let acceptor = match raksa_server::tls::acceptor(&cert, &key) {
                        Ok(a) => a,
                        Err(e) => {
                            eprintln!("TLS: {e}");
                            return 1;
                        }
                    };
                    let listener = match raksa_server::tls::bind(&listen, acceptor).await {
                        Ok(l) => l,
                        Err(e) => {
                            eprintln!("cannot listen on {listen}: {e}");
                            return 1;
                        }
                    };
                    println!(
                        "raksa-server listening on https://{}",
                        axum::serve::Listener::local_addr(&listener).expect("addr")
                    );
                    return match axum::serve(
                        listener,
                        router(state)
                            .into_make_service_with_connect_info::<raksa_server::api::Peer>(),
                    )
                    .with_graceful_shutdown(shutdown)
                    .await
                    {
                        Ok(()) => 0,
                        Err(e) => {
                            eprintln!("server error: {e}");
                            1
                        }
                    };
                }
                let listener = match tokio::net::TcpListener::bind(&listen).await {
                    Ok(l) => l,
                    Err(e) => {
                        eprintln!("cannot listen on {listen}: {e}");
                        return 1;
                    }
                };
                println!(
                    "raksa-server listening on http://{}",
                    listener.local_addr().expect("addr")
                );
                let shutdown = async {
                    let _ = tokio::signal::ctrl_c().await;
                };
                match axum::serve(
                    listener,
                    router(state).into_make_service_with_connect_info::<raksa_server::api::Peer>(),
                )
                .with_graceful_shutdown(shutdown)
                .await
                {
                    Ok(()) => 0,
                    Err(e) => {
                        eprintln!("server error: {e}");
                        1
                    }
                }
            })
        }
        Command::Office {
            command:
                OfficeCommand::Add {
                    code,
                    name,
                    province,
                },
        } => match store
            .add_office(&code, &name)
            .and_then(|()| match &province {
                Some(p) => store.set_office_province(code.trim(), p),
                None => Ok(()),
            }) {
            Ok(()) => {
                println!("เพิ่มสำนักงาน {code} แล้ว / office {code} added");
                0
            }
            Err(e) => fail(e),
        },
        Command::Husec { command } => match command {
            HusecCommand::Add {
                username,
                name,
                role,
                provinces,
            } => {
                let (password, shown) = initial_password("RAKSA_HUSEC_PASSWORD");
                account_saved(
                    store.add_husec_user(&username, &name, &role, &provinces, &password),
                    &password,
                    shown,
                )
            }
            HusecCommand::Disable { username } => match store.disable_hotline_user(&username) {
                Ok(0) => {
                    eprintln!("ไม่พบบัญชีที่ใช้งานอยู่ / no such active account");
                    1
                }
                Ok(_) => 0,
                Err(e) => fail(e),
            },
            HusecCommand::Audit { office, limit } => {
                match store.server_audit(office.as_deref(), limit) {
                    Ok(entries) => {
                        for e in entries {
                            println!("{}", serde_json::to_string(&e).expect("serialisable"));
                        }
                        0
                    }
                    Err(e) => fail(e),
                }
            }
        },
        Command::Tracking {
            command: TrackingCommand::Rebuild,
        } => match store.rebuild_tracking() {
            Ok(n) => {
                println!("คำนวณการติดตามใหม่จาก {n} ระเบียน / tracking rebuilt from {n} records");
                0
            }
            Err(e) => fail(e),
        },
        Command::Device {
            command: DeviceCommand::Enroll { office },
        } => match store.new_enrolment_code(&office) {
            Ok(c) => {
                println!(
                    "รหัสลงทะเบียนเครื่อง (ใช้ได้ครั้งเดียว ภายใน 7 วัน) / enrolment code (one use, 7 days):"
                );
                println!("{c}");
                0
            }
            Err(e) => fail(e),
        },
        Command::Device {
            command: DeviceCommand::Revoke { id },
        } => match store.revoke(&id) {
            Ok(true) => {
                println!("เพิกถอนแล้ว / revoked");
                0
            }
            Ok(false) => {
                eprintln!("ไม่พบเครื่องนี้หรือเพิกถอนไปแล้ว / no such active device");
                1
            }
            Err(e) => fail(e),
        },
        Command::Staff {
            command: StaffCommand::Revoke { name },
        } => match store.revoke_staff(&name) {
            Ok(0) => {
                eprintln!("ไม่พบรหัสที่ยังใช้ได้ของ {name} / no live credential");
                1
            }
            Ok(n) => {
                println!("เพิกถอนแล้ว {n} รหัส / revoked {n}");
                0
            }
            Err(e) => fail(e),
        },
        Command::Staff {
            command: StaffCommand::Add { name, days },
        } => match store.add_staff(&name, days) {
            Ok(token) => {
                println!(
                    "รหัสเข้าดูภาพรวมระดับประเทศ (แสดงครั้งเดียว) / national-view token (shown once):"
                );
                println!("{token}");
                0
            }
            Err(e) => fail(e),
        },
        Command::Partner { command } => match command {
            PartnerCommand::Add { name } => match store.add_partner(&name) {
                Ok(key) => {
                    println!("คีย์ของระบบพันธมิตร (แสดงครั้งเดียว) / partner API key (shown once):");
                    println!("{key}");
                    0
                }
                Err(e) => fail(e),
            },
            PartnerCommand::Revoke { name } => match store.revoke_partner(&name) {
                Ok(0) => {
                    eprintln!("ไม่พบคีย์ที่ยังใช้ได้ของ {name} / no live key");
                    1
                }
                Ok(n) => {
                    println!("เพิกถอนแล้ว {n} คีย์ / revoked {n}");
                    0
                }
                Err(e) => fail(e),
            },
            PartnerCommand::List => match store.partners() {
                Ok(ps) => {
                    for (name, at, revoked) in ps {
                        println!("{name}\t{at}{}", if revoked { "\trevoked" } else { "" });
                    }
                    0
                }
                Err(e) => fail(e),
            },
        },
        Command::Hotline { command } => match command {
            HotlineCommand::Add {
                username,
                name,
                role,
            } => {
                let (password, shown) = initial_password("RAKSA_HOTLINE_PASSWORD");
                account_saved(
                    store.add_hotline_user(&username, &name, &role, &password),
                    &password,
                    shown,
                )
            }
            HotlineCommand::Disable { username } => match store.disable_hotline_user(&username) {
                Ok(0) => {
                    eprintln!("ไม่พบบัญชีที่ใช้งานอยู่ / no such active account");
                    1
                }
                Ok(_) => 0,
                Err(e) => fail(e),
            },
        },
        Command::Route { command } => match command {
            RouteCommand::Set { area, office } => {
                match store.set_route(&raksa_domain::help_request::RouteRule { area, office }) {
                    Ok(()) => {
                        println!("บันทึกเส้นทางแล้ว / route set");
                        0
                    }
                    Err(e) => fail(e),
                }
            }
            RouteCommand::Remove { area } => match store.remove_route(&area) {
                Ok(true) => 0,
                Ok(false) => {
                    eprintln!("ไม่พบเส้นทางของพื้นที่นี้ / no such route");
                    1
                }
                Err(e) => fail(e),
            },
            RouteCommand::List => match store.routes() {
                Ok(rs) => {
                    for r in rs {
                        let name = raksa_domain::places::places()
                            .get(&r.area)
                            .map(|p| p.name_th.clone())
                            .unwrap_or_default();
                        println!("{}\t{}\t{}", r.area, name, r.office);
                    }
                    0
                }
                Err(e) => fail(e),
            },
        },
        Command::Escalation { command } => match command {
            EscalationCommand::Add {
                step,
                days,
                from,
                by,
            } => {
                let Some(step) = raksa_domain::expedite::ExpediteStep::parse(&step) else {
                    eprintln!("ขั้นการเร่งรัดไม่ถูกต้อง (first, second, provincial_head) / unknown step");
                    std::process::exit(2);
                };
                let Ok(effective_from) = chrono::NaiveDate::parse_from_str(&from, "%Y-%m-%d")
                else {
                    eprintln!("วันที่ไม่ถูกต้อง (ปปปป-ดด-วว ค.ศ.) / the date must be YYYY-MM-DD");
                    std::process::exit(2);
                };
                let rule = raksa_domain::expedite::EscalationRule {
                    step,
                    days,
                    effective_from,
                };
                match store.add_escalation_rule(&rule, &by) {
                    Ok(()) => {
                        println!(
                            "บันทึกหลักเกณฑ์แล้ว: {} ตอบภายใน {days} วัน ตั้งแต่ {} / rule added",
                            step.label_th(),
                            raksa_domain::thai_date::format_be_long(effective_from)
                        );
                        0
                    }
                    Err(e) => fail(e),
                }
            }
            EscalationCommand::List => match store.escalation_rules() {
                Ok(rules) => {
                    for r in rules {
                        println!(
                            "{}\t{}\t{}\t{}",
                            r.effective_from,
                            r.step.as_str(),
                            r.days,
                            r.step.label_th()
                        );
                    }
                    0
                }
                Err(e) => fail(e),
            },
        },
        Command::Request { command } => match command {
            RequestCommand::Queue => match store.national_queue() {
                Ok(q) => {
                    for (id, at, province) in q {
                        println!("{id}\t{at}\t{}", province.unwrap_or_else(|| "-".into()));
                    }
                    0
                }
                Err(e) => fail(e),
            },
            RequestCommand::Route { id, office, by } => {
                match store.route_request(&id, &office, &by) {
                    Ok(()) => {
                        println!("ส่งคำขอให้สำนักงาน {office} แล้ว / routed");
                        0
                    }
                    Err(e) => fail(e),
                }
            }
        },
        Command::Device {
            command: DeviceCommand::List,
        } => match store.devices() {
            Ok(ds) => {
                for d in ds {
                    println!(
                        "{}\t{}\t{}\thigh-water {}{}{}",
                        d.id,
                        d.office,
                        d.name,
                        d.high_water,
                        if d.revoked { "\trevoked" } else { "" },
                        if d.diverged { "\tdiverged" } else { "" }
                    );
                }
                0
            }
            Err(e) => fail(e),
        },
    };
    std::process::exit(code);
}

/// A server account's password: from the environment variable, or made here (then shown).
fn initial_password(var: &str) -> (String, bool) {
    match std::env::var(var) {
        Ok(p) if !p.is_empty() => (p, false),
        _ => {
            use base64::Engine;
            let mut b = [0u8; 15];
            rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut b);
            (
                base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b),
                true,
            )
        }
    }
}

/// Reports an account saved (with its made-up password, shown once) or the refusal.
fn account_saved(r: Result<(), StoreError>, password: &str, shown: bool) -> i32 {
    match r {
        Ok(()) => {
            if shown {
                println!("รหัสผ่านเริ่มต้น (แสดงครั้งเดียว) / initial password (shown once):");
                println!("{password}");
            } else {
                println!("บันทึกบัญชีแล้ว / account saved");
            }
            0
        }
        Err(e) => fail(e),
    }
}
