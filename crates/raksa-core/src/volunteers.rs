//! Community volunteers (อพม.) of the office (issue 15 §4). A supervisor or administrator
//! registers a volunteer (name, sub-district, phone) and hands over a one-time code, shown
//! once; only its hash is stored and synced, so the server can activate the volunteer's
//! field app with it exactly once. A new code replaces the old; deactivating stops the
//! volunteer's phone at the server.

use rusqlite::params;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::audit::AuditAction;
use crate::error::{CoreError, FieldErrors, Result};
use crate::model::Role;
use crate::session::{self, Session};
use crate::validate;

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Volunteer {
    pub id: Uuid,
    pub full_name: String,
    pub phone: String,
    pub subdistrict_code: Option<String>,
    /// `ต.… อ.… จ.…`
    pub place: String,
    pub active: bool,
    pub created_at: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct NewVolunteer {
    pub full_name: String,
    pub phone: String,
    pub subdistrict_code: Option<String>,
}

/// A volunteer with the one-time code to give them (shown once, never stored).
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct VolunteerCode {
    pub volunteer: Volunteer,
    /// 12 digits, `1234-5678-9012`.
    pub code: String,
}

fn new_code() -> String {
    let b = crate::crypto::random_bytes::<8>();
    let n = u64::from_le_bytes(b) % 1_000_000_000_000;
    let d = format!("{n:012}");
    format!("{}-{}-{}", &d[..4], &d[4..8], &d[8..])
}

impl Session {
    /// The office's volunteers (supervisors and administrators).
    pub fn volunteers(&self) -> Result<Vec<Volunteer>> {
        self.require(&[Role::Supervisor, Role::Admin])?;
        let places = raksa_domain::places::places();
        let mut stmt = self.conn().prepare(
            "SELECT id, full_name, phone, subdistrict_code, active, created_at FROM volunteers
             ORDER BY active DESC, full_name",
        )?;
        let rows = stmt.query_map([], |r| {
            let sub: Option<String> = r.get(3)?;
            Ok(Volunteer {
                id: session::uuid_col(r, 0)?,
                full_name: r.get(1)?,
                phone: r.get(2)?,
                place: sub
                    .as_deref()
                    .and_then(|c| places.label(c))
                    .map(|p| p.label_th)
                    .unwrap_or_default(),
                subdistrict_code: sub,
                active: r.get(4)?,
                created_at: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    fn volunteer(&self, id: Uuid) -> Result<Volunteer> {
        self.volunteers()?
            .into_iter()
            .find(|v| v.id == id)
            .ok_or(CoreError::NotFound)
    }

    /// Registers a volunteer and returns their one-time code.
    pub fn register_volunteer(&mut self, input: &NewVolunteer) -> Result<VolunteerCode> {
        self.require(&[Role::Supervisor, Role::Admin])?;
        let mut errs = FieldErrors::default();
        let name = errs.check(
            "full_name",
            validate::required(&input.full_name, validate::MAX_NAME, false),
        );
        let phone = errs.check("phone", validate::phone(&input.phone));
        let sub = match input.subdistrict_code.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(c) => {
                if raksa_domain::places::places().get(c).is_none() || c.len() != 6 {
                    errs.push("subdistrict_code", crate::error::FieldProblem::UnknownPlace);
                }
                Some(c.to_owned())
            }
        };
        errs.into_result()?;
        let id = Uuid::now_v7();
        let code = new_code();
        let now = self.now();
        let uid = self.user().id.to_string();
        let mut w = self.begin()?;
        w.execute(
            "INSERT INTO volunteers (id, full_name, phone, subdistrict_code, code_hash, active,
                                     created_at, created_by)
             VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6, ?7)",
            params![
                id.to_string(),
                name.expect("checked"),
                phone.expect("checked"),
                sub,
                raksa_protocol::volunteer_code_hash(&code),
                now,
                uid
            ],
        )?;
        w.audit(
            AuditAction::Create,
            "volunteer",
            Some(&id.to_string()),
            "registered",
        )?;
        w.commit()?;
        Ok(VolunteerCode {
            volunteer: self.volunteer(id)?,
            code,
        })
    }

    /// A new one-time code for a volunteer (a lost phone, a code never used): the old one
    /// stops working at the server with the next sync.
    pub fn new_volunteer_code(&mut self, id: Uuid) -> Result<VolunteerCode> {
        self.require(&[Role::Supervisor, Role::Admin])?;
        self.volunteer(id)?;
        let code = new_code();
        let mut w = self.begin()?;
        w.execute(
            "UPDATE volunteers SET code_hash = ?2, active = 1 WHERE id = ?1",
            params![id.to_string(), raksa_protocol::volunteer_code_hash(&code)],
        )?;
        w.audit(
            AuditAction::Update,
            "volunteer",
            Some(&id.to_string()),
            "new code",
        )?;
        w.commit()?;
        Ok(VolunteerCode {
            volunteer: self.volunteer(id)?,
            code,
        })
    }

    pub fn set_volunteer_active(&mut self, id: Uuid, active: bool) -> Result<()> {
        self.require(&[Role::Supervisor, Role::Admin])?;
        self.volunteer(id)?;
        let mut w = self.begin()?;
        w.execute(
            "UPDATE volunteers SET active = ?2 WHERE id = ?1",
            params![id.to_string(), active],
        )?;
        w.audit(
            AuditAction::Update,
            "volunteer",
            Some(&id.to_string()),
            if active { "reactivated" } else { "deactivated" },
        )?;
        w.commit()
    }
}
