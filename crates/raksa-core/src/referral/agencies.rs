//! The agency directory: the hospitals, schools and offices a case is referred to.

#[allow(unused_imports)]
use super::*;

impl Session {
    // ---- agencies -------------------------------------------------------------------

    pub fn agencies(&self, include_inactive: bool) -> Result<Vec<Agency>> {
        let sql = format!(
            "SELECT {AGENCY_COLS} FROM agencies a {} ORDER BY a.kind, a.name",
            if include_inactive {
                ""
            } else {
                "WHERE a.active = 1"
            }
        );
        self.conn()
            .prepare(&sql)?
            .query_map([], |r| agency_row(r, 0))?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(Into::into)
    }

    pub fn add_agency(&mut self, a: &NewAgency) -> Result<Agency> {
        self.require(&[Role::Supervisor, Role::Admin])?;
        let a = check_agency(a)?;
        let id = Uuid::now_v7();
        let now = self.now();
        let mut w = self.begin()?;
        w.execute(
            "INSERT INTO agencies (id, name, head_position, address, phone, email, kind,
                 runs_raksa, raksa_office, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
            params![
                id.to_string(),
                a.name,
                a.head_position,
                a.address,
                a.phone,
                a.email,
                a.kind.as_str(),
                a.runs_raksa,
                a.raksa_office,
                now
            ],
        )?;
        w.audit(AuditAction::Create, "agency", Some(&id.to_string()), "")?;
        w.commit()?;
        Ok(Agency {
            id,
            name: a.name,
            head_position: a.head_position,
            address: a.address,
            phone: a.phone,
            email: a.email,
            kind: a.kind,
            runs_raksa: a.runs_raksa,
            raksa_office: a.raksa_office,
            active: true,
        })
    }

    pub fn update_agency(&mut self, id: Uuid, a: &NewAgency, active: bool) -> Result<()> {
        self.require(&[Role::Supervisor, Role::Admin])?;
        let a = check_agency(a)?;
        let mut w = self.begin()?;
        let n = w.execute(
            "UPDATE agencies SET name = ?2, head_position = ?3, address = ?4, phone = ?5,
                 email = ?6, kind = ?7, runs_raksa = ?8, raksa_office = ?9, active = ?10,
                 updated_at = ?11 WHERE id = ?1",
            params![
                id.to_string(),
                a.name,
                a.head_position,
                a.address,
                a.phone,
                a.email,
                a.kind.as_str(),
                a.runs_raksa,
                a.raksa_office,
                active,
                w.now()
            ],
        )?;
        if n == 0 {
            return Err(CoreError::NotFound);
        }
        w.audit(AuditAction::Update, "agency", Some(&id.to_string()), "")?;
        w.commit()?;
        Ok(())
    }
}
