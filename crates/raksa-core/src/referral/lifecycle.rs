//! A referral from a case: drafting, sending (the letter register number), recorded
//! changes under the domain's transitions, and the replies still awaited.

#[allow(unused_imports)]
use super::*;

impl Session {
    // ---- referrals ------------------------------------------------------------------

    pub(super) fn fill_template(
        &self,
        t: &LetterText,
        case_id: Uuid,
        agency: &Agency,
        n: &NewReferral,
    ) -> Result<LetterText> {
        let (case_no, title, first, last, domains): (String, String, String, String, String) =
            self.conn().query_row(
                "SELECT c.case_no, p.title, p.first_name, p.last_name, c.problem_domains
                 FROM cases c JOIN people p ON p.id = c.person_id WHERE c.id = ?1",
                [case_id.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )?;
        let client = if n.shared.contains(&SharedPart::Identity) {
            format!("{title}{first} {last}")
        } else {
            "ผู้รับบริการ".to_owned()
        };
        let domains: Vec<ProblemDomain> = serde_json::from_str(&domains).unwrap_or_default();
        let problems = if n.shared.contains(&SharedPart::Problems) && !domains.is_empty() {
            domains
                .iter()
                .map(|d| d.label_th())
                .collect::<Vec<_>>()
                .join(" ")
        } else {
            "ต่าง ๆ".to_owned()
        };
        let fill = |s: &str| {
            s.replace("{office_name}", &self.office().name)
                .replace("{agency_name}", &agency.name)
                .replace("{client}", &client)
                .replace("{problems}", &problems)
                .replace("{requested}", &n.requested)
                .replace("{case_no}", &case_no)
        };
        Ok(LetterText {
            subject: fill(&t.subject),
            cause: fill(&t.cause),
            request: fill(&t.request),
            conclusion: fill(&t.conclusion),
            refer_to: fill(&t.refer_to),
        })
    }

    pub(super) fn agency(&self, id: Uuid) -> Result<Agency> {
        self.conn()
            .query_row(
                &format!("SELECT {AGENCY_COLS} FROM agencies a WHERE a.id = ?1"),
                [id.to_string()],
                |r| agency_row(r, 0),
            )
            .optional()?
            .ok_or(CoreError::NotFound)
    }

    /// Starts a referral (a draft) from a case; the letter text comes from the office's
    /// template and stays editable until the letter is sent.
    pub fn create_referral(&mut self, case_id: Uuid, n: &NewReferral) -> Result<Referral> {
        self.require_need_to_know(case_id)?;
        self.require(WRITERS)?;
        let requested = validate::required(&n.requested, validate::MAX_TEXT, true)
            .map_err(|p| CoreError::field("requested", p))?;
        if n.shared.is_empty() {
            return Err(CoreError::field("shared", FieldProblem::Required));
        }
        let agency = self.agency(n.agency_id)?;
        if !agency.active {
            return Err(CoreError::field("agency_id", FieldProblem::NotAChoice));
        }
        let (stage, _) = self.case_stage(case_id)?;
        if stage == CaseStatus::Closed {
            return Err(CoreError::Transition("closed"));
        }
        let mut shared = n.shared.clone();
        shared.sort();
        shared.dedup();
        let n = NewReferral {
            requested,
            shared,
            ..n.clone()
        };
        let text = self.fill_template(&self.letter_template()?, case_id, &agency, &n)?;
        let id = Uuid::now_v7();
        let now = self.now();
        let today = self.today();
        let uid = self.user().id;
        let body = serde_json::to_string(&text).expect("serialisable");
        self.record_with(
            case_id,
            &[CaseEventBody::ReferralChanged {
                agency: agency.name.clone(),
                to: ReferralStatus::Draft,
                letter_no: None,
                note: n.requested.clone(),
                answered_by: None,
            }],
            None,
            |tx| {
                tx.execute(
                    "INSERT INTO referrals (id, case_id, agency_id, status, urgency, secrecy,
                         requested, legal_basis, shared, subject, body, created_at, created_by,
                         updated_at)
                     VALUES (?1, ?2, ?3, 'draft', ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?11)",
                    params![
                        id.to_string(),
                        case_id.to_string(),
                        agency.id.to_string(),
                        n.urgency.as_str(),
                        n.secrecy.map(Secrecy::as_str),
                        n.requested,
                        n.legal_basis.as_str(),
                        serde_json::to_string(&n.shared).expect("serialisable"),
                        text.subject,
                        body,
                        now,
                        uid.to_string()
                    ],
                )?;
                insert_event(tx, id, &now, today, uid, None, ReferralStatus::Draft, "")?;
                Ok(())
            },
        )?;
        self.referral(id)
    }

    /// Edits a draft: what is asked, the basis, what is shared, and the letter text.
    pub fn update_referral_draft(
        &mut self,
        id: Uuid,
        n: &NewReferral,
        text: &LetterText,
    ) -> Result<Referral> {
        self.require(WRITERS)?;
        let r = self.referral_row(id)?;
        if r.status != ReferralStatus::Draft {
            return Err(CoreError::Transition("referral_sent"));
        }
        let requested = validate::required(&n.requested, validate::MAX_TEXT, true)
            .map_err(|p| CoreError::field("requested", p))?;
        if n.shared.is_empty() {
            return Err(CoreError::field("shared", FieldProblem::Required));
        }
        let agency = self.agency(n.agency_id)?;
        let text = check_letter_text(text)?;
        let mut shared = n.shared.clone();
        shared.sort();
        shared.dedup();
        let mut w = self.begin()?;
        w.execute(
            "UPDATE referrals SET agency_id = ?2, urgency = ?3, secrecy = ?4, requested = ?5,
                 legal_basis = ?6, shared = ?7, subject = ?8, body = ?9, updated_at = ?10
             WHERE id = ?1 AND status = 'draft'",
            params![
                id.to_string(),
                agency.id.to_string(),
                n.urgency.as_str(),
                n.secrecy.map(Secrecy::as_str),
                requested,
                n.legal_basis.as_str(),
                serde_json::to_string(&shared).expect("serialisable"),
                text.subject,
                serde_json::to_string(&text).expect("serialisable"),
                w.now()
            ],
        )?;
        w.audit(
            AuditAction::Update,
            "referral",
            Some(&id.to_string()),
            "draft",
        )?;
        w.commit()?;
        self.referral(id)
    }

    /// Sends: takes the next number of this PC's letter register, dates the letter, and
    /// sets when a reply is expected (deadline rules in force on the sending date). All in
    /// one transaction — a number is never taken without its letter, nor reused.
    pub fn send_referral(&mut self, id: Uuid, letter_date: NaiveDate) -> Result<Referral> {
        self.require(WRITERS)?;
        let r = self.referral_row(id)?;
        if r.status != ReferralStatus::Draft {
            return Err(CoreError::Transition("referral_sent"));
        }
        let today = self.today();
        if letter_date > today || letter_date < today - Duration::days(30) {
            return Err(CoreError::field("letter_date", FieldProblem::OutOfRange));
        }
        let settings = self.letter_settings()?;
        let agency = self.agency(r.agency_id)?;
        let rules = self.deadline_rules()?;
        let urgency: String = self.conn().query_row(
            "SELECT urgency FROM cases WHERE id = ?1",
            [r.case_id.to_string()],
            |x| x.get(0),
        )?;
        let urgency = Urgency::parse(&urgency).unwrap_or(Urgency::Normal);
        let remind = deadlines::days_for(&rules, Milestone::ReferralReminder, urgency, letter_date)
            .unwrap_or(15);
        let expected = letter_date + Duration::days(i64::from(remind));
        let year = thai_date::be_year(letter_date);
        let now = self.now();
        let uid = self.user().id;
        let mut issued = 0u32;
        let subject = r.subject.clone();
        let prefix = settings.ref_prefix.clone();
        self.record_with(
            r.case_id,
            &[CaseEventBody::ReferralChanged {
                agency: agency.name.clone(),
                to: ReferralStatus::Sent,
                letter_no: None,
                note: String::new(),
                answered_by: None,
            }],
            None,
            |tx| {
                issued = numbering::next_number(tx, Series::Letter, year)?;
                tx.execute(
                    "INSERT INTO letter_register (be_year, number, letter_date, issued_at,
                         issued_by, referral_id, recipient, subject)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                    params![
                        year,
                        issued,
                        fmt_date(letter_date),
                        now,
                        uid.to_string(),
                        id.to_string(),
                        agency.head_position,
                        subject
                    ],
                )?;
                tx.execute(
                    "UPDATE referrals SET status = 'sent', letter_year = ?2, letter_no = ?3,
                         letter_date = ?4, sent_on = ?4, expected_reply_on = ?5, updated_at = ?6
                     WHERE id = ?1 AND status = 'draft'",
                    params![
                        id.to_string(),
                        year,
                        issued,
                        fmt_date(letter_date),
                        fmt_date(expected),
                        now
                    ],
                )?;
                insert_event(
                    tx,
                    id,
                    &now,
                    letter_date,
                    uid,
                    Some(ReferralStatus::Draft),
                    ReferralStatus::Sent,
                    &if settings.thai_digits {
                        thai_date::thai_digits(&format!("{prefix}/{issued}"))
                    } else {
                        format!("{prefix}/{issued}")
                    },
                )?;
                Ok(())
            },
        )?;
        tracing::info!(referral = %id, number = issued, "referral letter registered");
        self.referral(id)
    }

    /// Records what happened to a sent referral (from the reply slip, a phone call, or —
    /// when the agency runs Raksa — the synced reply).
    pub fn change_referral(&mut self, id: Uuid, c: &ReferralChange) -> Result<Referral> {
        self.require(WRITERS)?;
        let r = self.referral_row(id)?;
        if !allowed(r.status).contains(&c.to) {
            return Err(CoreError::Transition("referral_step"));
        }
        let note = validate::text(&c.note, validate::MAX_TEXT, true)
            .map_err(|p| CoreError::field("note", p))?;
        if matches!(c.to, ReferralStatus::Declined | ReferralStatus::Withdrawn) && note.is_empty() {
            return Err(CoreError::field("note", FieldProblem::Required));
        }
        if c.on > self.today() {
            return Err(CoreError::field("on", FieldProblem::DateInFuture));
        }
        if r.letter_date.is_some_and(|d| c.on < d) {
            return Err(CoreError::field("on", FieldProblem::DateBeforeStart));
        }
        let agency = self.agency(r.agency_id)?;
        let now = self.now();
        let uid = self.user().id;
        let first_reply = awaiting_reply(r.status)
            && matches!(
                c.to,
                ReferralStatus::Received | ReferralStatus::Accepted | ReferralStatus::Declined
            );
        let letter_no = r.letter_no.map(|n| n.to_string());
        self.record_with(
            r.case_id,
            &[CaseEventBody::ReferralChanged {
                agency: agency.name,
                to: c.to,
                letter_no,
                note: note.clone(),
                answered_by: None,
            }],
            None,
            |tx| {
                tx.execute(
                    "UPDATE referrals SET status = ?2, updated_at = ?3,
                         replied_on = CASE WHEN ?4 THEN ?5 ELSE replied_on END
                     WHERE id = ?1",
                    params![
                        id.to_string(),
                        c.to.as_str(),
                        now,
                        first_reply,
                        fmt_date(c.on)
                    ],
                )?;
                insert_event(tx, id, &now, c.on, uid, Some(r.status), c.to, &note)?;
                Ok(())
            },
        )?;
        self.referral(id)
    }

    pub(super) fn referral_row(&self, id: Uuid) -> Result<RawReferral> {
        self.conn()
            .query_row(
                "SELECT r.case_id, r.agency_id, r.status, r.letter_date, r.letter_no, r.subject
                 FROM referrals r WHERE r.id = ?1",
                [id.to_string()],
                |x| {
                    Ok(RawReferral {
                        case_id: uuid_col(x, 0)?,
                        agency_id: uuid_col(x, 1)?,
                        status: ReferralStatus::parse(&x.get::<_, String>(2)?)
                            .ok_or_else(|| corrupt("status"))?,
                        letter_date: opt_date(x.get(3)?)?,
                        letter_no: x.get(4)?,
                        subject: x.get(5)?,
                    })
                },
            )
            .optional()?
            .ok_or(CoreError::NotFound)
    }

    /// One referral with its history (audited as a read).
    pub fn referral(&self, id: Uuid) -> Result<Referral> {
        let settings = self.letter_settings()?;
        let rules = self.deadline_rules()?;
        let mut r = self
            .conn()
            .query_row(
                &format!(
                    "SELECT r.id, r.case_id, c.case_no, r.status, r.urgency, r.secrecy,
                            r.requested, r.legal_basis, r.shared, r.body, r.letter_no,
                            r.letter_date, r.expected_reply_on, r.replied_on, c.urgency,
                            {AGENCY_COLS}
                     FROM referrals r JOIN cases c ON c.id = r.case_id
                     JOIN agencies a ON a.id = r.agency_id WHERE r.id = ?1"
                ),
                [id.to_string()],
                |x| referral_from_row(x, &settings, &rules),
            )
            .optional()?
            .ok_or(CoreError::NotFound)?;
        r.overdue = r.overdue_on.is_some_and(|d| d < self.today());
        r.events = self
            .conn()
            .prepare_cached(
                "SELECT e.at, e.on_date, u.full_name, e.from_status, e.to_status, e.note
                 FROM referral_events e JOIN users u ON u.id = e.user_id
                 WHERE e.referral_id = ?1 ORDER BY e.at, e.id",
            )?
            .query_map([id.to_string()], |x| {
                Ok(ReferralEvent {
                    at: x.get(0)?,
                    on_date: session::date_col(x, 1)?,
                    by: x.get(2)?,
                    from: x
                        .get::<_, Option<String>>(3)?
                        .as_deref()
                        .and_then(ReferralStatus::parse),
                    to: ReferralStatus::parse(&x.get::<_, String>(4)?)
                        .ok_or_else(|| corrupt("status"))?,
                    note: x.get(5)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        self.audit(
            crate::audit::Access::Read,
            "referral",
            Some(&id.to_string()),
            "",
        )?;
        Ok(r)
    }

    pub fn case_referrals(&self, case_id: Uuid) -> Result<Vec<Referral>> {
        self.require_need_to_know(case_id)?;
        let ids: Vec<String> = self
            .conn()
            .prepare_cached("SELECT id FROM referrals WHERE case_id = ?1 ORDER BY created_at")?
            .query_map([case_id.to_string()], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        ids.iter()
            .map(|s| {
                let id = Uuid::parse_str(s).map_err(|_| CoreError::Corrupt("id".into()))?;
                self.referral(id)
            })
            .collect()
    }

    /// Referral deadlines for the work lists: each sent referral without a reply yet is due
    /// for a reminder, then overdue, by the rules in force on its sending date.
    pub(crate) fn referral_due_items(&self, mine: bool) -> Result<Vec<DueItem>> {
        let rules = self.deadline_rules()?;
        let today = self.today();
        let filter = if mine {
            "AND c.assigned_to = ?1"
        } else {
            "AND ?1 IS NOT NULL"
        };
        let sql = format!(
            "SELECT {}, r.id AS r_id, r.sent_on AS r_sent_on, a.name AS a_name
             FROM referrals r JOIN cases c ON c.id = r.case_id
             JOIN people p ON p.id = c.person_id LEFT JOIN users u ON u.id = c.assigned_to
             JOIN agencies a ON a.id = r.agency_id
             WHERE r.status = 'sent' {filter}",
            session::CASE_COLS
        );
        let mut stmt = self.conn().prepare(&sql)?;
        let rows = stmt.query_map([self.user().id.to_string()], |x| {
            Ok((
                session::case_row(x)?,
                uuid_col(x, "r_id")?,
                session::date_col(x, "r_sent_on")?,
                x.get::<_, String>("a_name")?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (case, rid, sent, agency) = row?;
            let remind =
                deadlines::days_for(&rules, Milestone::ReferralReminder, case.urgency, sent)
                    .unwrap_or(15);
            let remind_on = sent + Duration::days(i64::from(remind));
            let (m, due) = if today < remind_on {
                (Milestone::ReferralReminder, remind_on)
            } else {
                (
                    Milestone::ReferralReply,
                    deadlines::referral_reply_due(&rules, case.urgency, sent),
                )
            };
            out.push(DueItem {
                case_id: case.id,
                case_no: case.case_no.clone(),
                person_name: case.person_name.clone(),
                assigned_to: case.assigned_to.clone(),
                stage: case.status,
                urgency: case.urgency,
                milestone: m,
                due_date: due,
                state: deadlines::due_state(due, today),
                days_late: (today - due).num_days(),
                referral_id: Some(rid),
                note: Some(agency),
            });
        }
        Ok(out)
    }

    /// The referral a register number was issued to (`123/2569` → year 2569, number 123).
    pub fn referral_by_register(&self, be_year: i32, number: u32) -> Result<Uuid> {
        let id: Option<String> = self
            .conn()
            .query_row(
                "SELECT referral_id FROM letter_register WHERE be_year = ?1 AND number = ?2",
                params![be_year, number],
                |r| r.get(0),
            )
            .optional()?
            .flatten();
        id.and_then(|s| Uuid::parse_str(&s).ok())
            .ok_or(CoreError::NotFound)
    }

    /// The outgoing letter register of a year.
    pub fn letter_register(&self, be_year: i32) -> Result<Vec<RegisterEntry>> {
        self.require(&[Role::Supervisor, Role::Admin, Role::CaseWorker])?;
        self.conn()
            .prepare(
                "SELECT g.be_year, g.number, g.letter_date, g.recipient, g.subject,
                        g.referral_id, u.full_name
                 FROM letter_register g JOIN users u ON u.id = g.issued_by
                 WHERE g.be_year = ?1 ORDER BY g.number",
            )?
            .query_map([be_year], |x| {
                Ok(RegisterEntry {
                    be_year: x.get(0)?,
                    number: x.get(1)?,
                    letter_date: session::date_col(x, 2)?,
                    recipient: x.get(3)?,
                    subject: x.get(4)?,
                    referral_id: x
                        .get::<_, Option<String>>(5)?
                        .and_then(|s| Uuid::parse_str(&s).ok()),
                    issued_by: x.get(6)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(Into::into)
    }
}
