//! One office PC as the desktop app sees it: not set up, locked, or unlocked by one user,
//! with the idle lock. The desktop shell holds one `Workstation` behind a mutex and
//! forwards IPC calls to it; it holds no logic of its own.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::Serialize;
use ts_rs::TS;

use crate::error::{CoreError, Result};
use crate::model::{NewUser, OfficeProfile, OfficeSettings, OfficeSetup, UserInfo};
use crate::office::{self, DataDir};
use crate::session::Session;
use crate::thai_date::Clock;

/// What the UI needs to decide which screen to show.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AppStatus {
    pub initialised: bool,
    pub unlocked: bool,
    pub office: Option<OfficeProfile>,
    pub user: Option<UserInfo>,
    pub idle_lock_minutes: u32,
}

/// Returned once, by first-run set-up.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SetupResult {
    /// Shown once to print and keep in the office safe; never stored.
    pub recovery_key: String,
    pub status: AppStatus,
}

pub struct Workstation {
    dir: DataDir,
    clock: Arc<dyn Clock>,
    session: Option<Session>,
    last_activity: DateTime<Utc>,
    idle_lock_minutes: u32,
}

impl Workstation {
    pub fn new(dir: DataDir, clock: Arc<dyn Clock>) -> Self {
        let now = clock.now();
        Workstation {
            dir,
            clock,
            session: None,
            last_activity: now,
            idle_lock_minutes: 10,
        }
    }

    pub fn data_dir(&self) -> &DataDir {
        &self.dir
    }

    pub fn status(&self) -> AppStatus {
        AppStatus {
            initialised: self.dir.is_initialised(),
            unlocked: self.session.is_some(),
            office: self.session.as_ref().map(|s| s.office().clone()),
            user: self.session.as_ref().map(|s| s.user().clone()),
            idle_lock_minutes: self.idle_lock_minutes,
        }
    }

    fn started(&mut self, session: Session) {
        self.idle_lock_minutes = session
            .settings()
            .map(|s| s.idle_lock_minutes)
            .unwrap_or(10);
        self.session = Some(session);
        self.last_activity = self.clock.now();
    }

    pub fn set_up(&mut self, setup: &OfficeSetup, admin: &NewUser) -> Result<SetupResult> {
        let (session, rk) = office::init_office(&self.dir, setup, admin, self.clock.clone())?;
        self.started(session);
        Ok(SetupResult {
            recovery_key: rk.display().to_owned(),
            status: self.status(),
        })
    }

    pub fn unlock(&mut self, username: &str, password: &str) -> Result<AppStatus> {
        self.lock();
        let session = office::unlock(&self.dir, username, password, self.clock.clone())?;
        self.started(session);
        Ok(self.status())
    }

    pub fn reset_password(
        &mut self,
        recovery_key: &str,
        username: &str,
        new_password: &str,
    ) -> Result<AppStatus> {
        self.lock();
        let session = office::reset_password_with_recovery(
            &self.dir,
            recovery_key,
            username,
            new_password,
            self.clock.clone(),
        )?;
        self.started(session);
        Ok(self.status())
    }

    /// Locks: closes the database and drops the key from memory.
    pub fn lock(&mut self) {
        if let Some(s) = self.session.take() {
            s.lock();
        }
    }

    /// The user did something (typed, clicked): postpones the idle lock.
    pub fn touch(&mut self) {
        self.last_activity = self.clock.now();
    }

    /// Locks if idle for longer than the setting. Returns true when it locked now.
    pub fn lock_if_idle(&mut self) -> bool {
        if self.session.is_none() {
            return false;
        }
        let idle = self.clock.now() - self.last_activity;
        if idle.num_seconds() >= i64::from(self.idle_lock_minutes) * 60 {
            tracing::info!(idle_secs = idle.num_seconds(), "idle lock");
            self.lock();
            true
        } else {
            false
        }
    }

    /// Runs `f` with the unlocked session (and counts as activity).
    pub fn with_session<T>(&mut self, f: impl FnOnce(&mut Session) -> Result<T>) -> Result<T> {
        if self.lock_if_idle() {
            return Err(CoreError::Locked);
        }
        let s = self.session.as_mut().ok_or(CoreError::Locked)?;
        let out = f(s);
        self.touch();
        out
    }

    /// Runs `f` for background work (sync): needs the app unlocked, but is not user
    /// activity, so it never postpones the idle lock.
    pub fn with_session_quiet<T>(
        &mut self,
        f: impl FnOnce(&mut Session) -> Result<T>,
    ) -> Result<T> {
        if self.lock_if_idle() {
            return Err(CoreError::Locked);
        }
        let s = self.session.as_mut().ok_or(CoreError::Locked)?;
        f(s)
    }

    /// Changes the office settings; a new idle-lock period applies at once.
    pub fn update_settings(&mut self, settings: &OfficeSettings) -> Result<OfficeSettings> {
        let saved = self.with_session(|s| {
            s.update_settings(settings)?;
            s.settings()
        })?;
        self.idle_lock_minutes = saved.idle_lock_minutes;
        Ok(saved)
    }
}
