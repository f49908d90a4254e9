//! The office's letter settings, its emblem and the letter template (administrators).

#[allow(unused_imports)]
use super::*;

impl Session {
    // ---- settings and templates -----------------------------------------------------

    pub fn letter_settings(&self) -> Result<LetterSettings> {
        let json: Option<String> = self
            .conn()
            .query_row(
                "SELECT value FROM settings WHERE key = 'letter_settings'",
                [],
                |r| r.get(0),
            )
            .optional()?;
        // The office number asked at set-up (offices set up before it was asked: 0000).
        let office_number: Option<String> = self
            .conn()
            .query_row(
                "SELECT value FROM settings WHERE key = 'office_number'",
                [],
                |r| r.get(0),
            )
            .optional()?;
        let mut s = match json {
            Some(j) => serde_json::from_str(&j).map_err(|e| CoreError::Corrupt(e.to_string()))?,
            None => LetterSettings {
                ref_prefix: format!(
                    "{} {}",
                    self.office().letter_code,
                    office_number.as_deref().unwrap_or("0000")
                ),
                owning_unit: String::new(),
                phone: self.office().phone.clone(),
                fax: String::new(),
                email: String::new(),
                signer_name: String::new(),
                signer_position: String::new(),
                acting_for: String::new(),
                thai_digits: true,
                has_emblem: false,
            },
        };
        s.has_emblem = self.conn().query_row(
            "SELECT EXISTS (SELECT 1 FROM office_assets WHERE key = 'emblem')",
            [],
            |r| r.get(0),
        )?;
        Ok(s)
    }

    pub fn set_letter_settings(&mut self, s: &LetterSettings) -> Result<()> {
        self.require(&[Role::Admin])?;
        let mut e = FieldErrors::default();
        let line = |v: &str| validate::text(v, validate::MAX_LINE, false);
        let clean = LetterSettings {
            ref_prefix: e
                .check("ref_prefix", validate::required(&s.ref_prefix, 40, false))
                .unwrap_or_default(),
            owning_unit: e
                .check("owning_unit", line(&s.owning_unit))
                .unwrap_or_default(),
            phone: e.check("phone", line(&s.phone)).unwrap_or_default(),
            fax: e.check("fax", line(&s.fax)).unwrap_or_default(),
            email: e.check("email", line(&s.email)).unwrap_or_default(),
            signer_name: e
                .check("signer_name", line(&s.signer_name))
                .unwrap_or_default(),
            signer_position: e
                .check("signer_position", line(&s.signer_position))
                .unwrap_or_default(),
            acting_for: e
                .check("acting_for", line(&s.acting_for))
                .unwrap_or_default(),
            thai_digits: s.thai_digits,
            has_emblem: false,
        };
        e.into_result()?;
        let mut w = self.begin()?;
        w.execute(
            "INSERT INTO settings (key, value) VALUES ('letter_settings', ?1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [serde_json::to_string(&clean).expect("serialisable")],
        )?;
        w.audit(AuditAction::Update, "settings", None, "letter settings")?;
        w.commit()?;
        Ok(())
    }

    /// Installs the office's Garuda emblem (PNG or JPEG, ≤ 2 MB); `None` removes it.
    pub fn set_emblem(&mut self, image: Option<&[u8]>) -> Result<()> {
        self.require(&[Role::Admin])?;
        let mut w = self.begin()?;
        match image {
            Some(data) => {
                if data.len() > 2 * 1024 * 1024 {
                    return Err(CoreError::field("emblem", FieldProblem::FileTooLarge));
                }
                let media = if data.starts_with(b"\x89PNG\r\n\x1a\n") {
                    "image/png"
                } else if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
                    "image/jpeg"
                } else {
                    return Err(CoreError::field("emblem", FieldProblem::FileTypeNotAllowed));
                };
                w.execute(
                    "INSERT INTO office_assets (key, media_type, data, updated_at)
                     VALUES ('emblem', ?1, ?2, ?3)
                     ON CONFLICT (key) DO UPDATE SET media_type = excluded.media_type,
                         data = excluded.data, updated_at = excluded.updated_at",
                    params![media, data, w.now()],
                )?;
            }
            None => {
                w.execute("DELETE FROM office_assets WHERE key = 'emblem'", [])?;
            }
        }
        w.audit(AuditAction::Update, "settings", None, "emblem")?;
        w.commit()?;
        Ok(())
    }

    /// `set_emblem` for an image that arrives base64-encoded over IPC.
    pub fn set_emblem_base64(&mut self, data: Option<&str>) -> Result<()> {
        use base64::Engine;
        match data {
            Some(b) => {
                if b.len() > 3 * 1024 * 1024 {
                    return Err(CoreError::field("emblem", FieldProblem::FileTooLarge));
                }
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(b.trim())
                    .map_err(|_| CoreError::field("emblem", FieldProblem::FileTypeNotAllowed))?;
                self.set_emblem(Some(&bytes))
            }
            None => self.set_emblem(None),
        }
    }

    pub(super) fn emblem(&self) -> Result<Option<Vec<u8>>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT data FROM office_assets WHERE key = 'emblem'",
                [],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// The office's referral letter template (the default until edited).
    pub fn letter_template(&self) -> Result<LetterText> {
        let row: Option<(String, String, String, String)> = self
            .conn()
            .query_row(
                "SELECT subject, cause, request, conclusion FROM letter_templates
                 WHERE kind = 'referral'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        let (subject, cause, request, conclusion) = row.unwrap_or_else(|| {
            (
                DEFAULT_TEMPLATE[0].into(),
                DEFAULT_TEMPLATE[1].into(),
                DEFAULT_TEMPLATE[2].into(),
                DEFAULT_TEMPLATE[3].into(),
            )
        });
        Ok(LetterText {
            subject,
            cause,
            request,
            conclusion,
            refer_to: String::new(),
        })
    }

    pub fn set_letter_template(&mut self, t: &LetterText) -> Result<()> {
        self.require(&[Role::Supervisor, Role::Admin])?;
        let t = check_letter_text(t)?;
        let now = self.now();
        let uid = self.user().id.to_string();
        let mut w = self.begin()?;
        w.execute(
            "INSERT INTO letter_templates (kind, subject, cause, request, conclusion, updated_at,
                 updated_by) VALUES ('referral', ?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (kind) DO UPDATE SET subject = excluded.subject,
                 cause = excluded.cause, request = excluded.request,
                 conclusion = excluded.conclusion, updated_at = excluded.updated_at,
                 updated_by = excluded.updated_by",
            params![t.subject, t.cause, t.request, t.conclusion, now, uid],
        )?;
        w.audit(AuditAction::Update, "letter_template", Some("referral"), "")?;
        w.commit()?;
        Ok(())
    }
}
