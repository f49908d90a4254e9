//! Software updates, as the core sees them: where this PC asks (its central server, with
//! its own credential), who may install (administrators, audited), and what can go wrong,
//! in Thai. Fetching, verifying the signature and installing are the shell's (Tauri's
//! updater, with the ministry's public key compiled into the app).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::audit::Access;
use crate::error::{CoreError, Result};
use crate::model::Role;
use crate::session::Session;

/// A newer Raksa offered by the office's server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct UpdateOffer {
    pub version: String,
    pub notes_th: String,
    pub notes_en: String,
    pub published_at: Option<String>,
    /// The package was downloaded and its signature verified: ready to install.
    pub verified: bool,
}

/// What Settings shows about updates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct UpdateStatus {
    pub current_version: String,
    /// This build carries the ministry's release key (a build without one never updates
    /// itself rather than trust anything).
    pub signed_updates: bool,
    pub can_install: bool,
    pub offer: Option<UpdateOffer>,
}

/// Why an update was not checked, verified or installed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpdateProblem {
    /// The package does not verify against the ministry's key (or its signature names
    /// another version): refused, nothing installed.
    Signature,
    /// The server could not be reached or answered wrongly.
    Network,
    /// This build has no release key: it does not update itself.
    NoKey,
    /// Nothing downloaded and verified to install.
    NothingToInstall,
    /// The package was verified but the installer failed.
    Install,
}

impl UpdateProblem {
    pub fn message_th(self) -> &'static str {
        match self {
            UpdateProblem::Signature => {
                "ชุดอัปเดตนี้ลายเซ็นไม่ถูกต้อง (ไม่ใช่ของกระทรวง หรือถูกแก้ไขระหว่างทาง) จึงไม่ได้ติดตั้ง โปรแกรมรุ่นเดิมยังใช้งานได้ตามปกติ กรุณาแจ้งผู้ดูแลระบบส่วนกลาง"
            }
            UpdateProblem::Network => {
                "ติดต่อเซิร์ฟเวอร์เพื่อตรวจหารุ่นใหม่ไม่สำเร็จ กรุณาตรวจสอบการเชื่อมต่อแล้วลองใหม่"
            }
            UpdateProblem::NoKey => {
                "ชุดติดตั้งนี้ไม่มีกุญแจตรวจลายเซ็นของกระทรวง จึงไม่อัปเดตตัวเอง กรุณาติดตั้งรุ่นใหม่ด้วยตนเอง"
            }
            UpdateProblem::NothingToInstall => "ยังไม่มีชุดอัปเดตที่ดาวน์โหลดและตรวจลายเซ็นแล้ว",
            UpdateProblem::Install => {
                "ตรวจลายเซ็นถูกต้องแล้วแต่ติดตั้งไม่สำเร็จ โปรแกรมรุ่นเดิมยังใช้งานได้ กรุณาลองใหม่หรือติดตั้งด้วยตนเอง"
            }
        }
    }
}

/// Where this PC asks for updates: its server and its own credential.
pub struct UpdateSource {
    pub server_url: String,
    pub token: String,
}

impl Session {
    /// Any signed-in user may see whether a newer version exists.
    pub fn update_source(&self) -> Result<UpdateSource> {
        let c = self.sync_config()?.ok_or(CoreError::NotEnrolled)?;
        Ok(UpdateSource {
            server_url: c.server_url,
            token: c.token,
        })
    }

    pub fn can_install_updates(&self) -> bool {
        self.user().role == Role::Admin
    }

    /// An administrator agreed to download or install `version`: allowed and audited.
    pub fn authorise_update(&self, version: &str, step: &str) -> Result<()> {
        self.require(&[Role::Admin])?;
        let version: String = version
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || ".-+".contains(*c))
            .take(40)
            .collect();
        self.audit(
            Access::Decision,
            "software_update",
            Some(&version),
            &format!("{step} {version}"),
        )
    }
}
