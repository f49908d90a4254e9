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
}

#[derive(Subcommand)]
enum StaffCommand {
    /// Issue a credential (shown once) for the national view.
    Add {
        #[arg(long)]
        name: String,
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

fn main() {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let cli = Cli::parse();
    let store = match Store::open(&cli.db) {
        Ok(s) => s,
        Err(e) => std::process::exit(fail(e)),
    };
    let code = match cli.command {
        Command::Serve {
            listen,
            rate,
            tls_cert,
            tls_key,
        } => {
            let rt = tokio::runtime::Runtime::new().expect("tokio runtime");
            rt.block_on(async move {
                let state = Arc::new(AppState::new(store, rate, rate * 5.0));
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
                    return match axum::serve(listener, router(state))
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
                match axum::serve(listener, router(state))
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
            command: OfficeCommand::Add { code, name },
        } => match store.add_office(&code, &name) {
            Ok(()) => {
                println!("เพิ่มสำนักงาน {code} แล้ว / office {code} added");
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
            command: StaffCommand::Add { name },
        } => match store.add_staff(&name) {
            Ok(token) => {
                println!(
                    "รหัสเข้าดูภาพรวมระดับประเทศ (แสดงครั้งเดียว) / national-view token (shown once):"
                );
                println!("{token}");
                0
            }
            Err(e) => fail(e),
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
