//! An unlocked office: the open database, the signed-in user and the database key.
//! Dropping (or `lock`ing) a session closes the database and zeroes the key.
//! Every operation checks the user's role here, in the core — never only in the UI.

use std::sync::Arc;

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, Row, params};
use uuid::Uuid;

use crate::audit::{self, AuditAction};
use crate::crypto::DbKey;
use crate::db;
use crate::error::{CoreError, FieldErrors, FieldProblem, Result};
use crate::identity::{Identity, NoIdReason};
use crate::keyslots::{self, KeySlot, KeySlotsFile, SlotOwner};
use crate::migrations;
use crate::model::*;
use crate::office::DataDir;
use crate::thai_date::{self, Clock};
use crate::validate;
use raksa_protocol::Entity;

pub struct Session {
    dir: DataDir,
    conn: Connection,
    key: DbKey,
    slots: KeySlotsFile,
    user: UserInfo,
    office: OfficeProfile,
    clock: Arc<dyn Clock>,
    /// Debug builds' fault injection (`write::Session::fail_next_commit`).
    pub(crate) fail_next_commit: bool,
    /// An administrator's signing key, opened from their slot at unlock (issue 14 §1).
    signer: Option<raksa_protocol::signed::AdminSigner>,
}

/// A person's columns, named for `person_row` (rows are read by name, never by position;
/// the `p_` prefix keeps them apart from other tables' columns in the same SELECT).
/// `Session::begin` spelled over the fields it needs, so the code between it and the
/// commit may still read the session's other fields (a method borrows all of `self`).
macro_rules! begin_write {
    ($s:ident) => {
        crate::write::begin_on(
            &mut $s.conn,
            Some($s.user.id),
            $s.clock.now().to_rfc3339(),
            &mut $s.fail_next_commit,
        )
    };
}

pub(crate) const PERSON_COLS: &str = "p.id AS p_id, p.title AS p_title, \
     p.first_name AS p_first_name, p.last_name AS p_last_name, p.id_kind AS p_id_kind, \
     p.id_number AS p_id_number, p.no_id_reason AS p_no_id_reason, p.birth_date AS p_birth_date, \
     p.sex AS p_sex, p.phone AS p_phone, p.address_text AS p_address_text, \
     p.created_at AS p_created_at, p.subdistrict_code AS p_subdistrict_code, \
     p.postcode AS p_postcode, p.death_date AS p_death_date";

/// Whether case `c` is outside the signed-in user's need-to-know: the one predicate behind
/// `CASE_COLS`' `c_restricted` and the checks in `cases/access.rs` (`RESTRICTED`).
macro_rules! restricted_sql {
    () => {
        "(rk_needs_reason(c.sensitive, c.problem_domains, c.assigned_to, c.created_by) \
         AND NOT EXISTS (SELECT 1 FROM access_grants g WHERE g.case_id = c.id \
           AND g.user_id = rk_viewer() AND g.expires_at > rk_now()))"
    };
}

pub(crate) const RESTRICTED: &str = restricted_sql!();

/// A case summary's columns, named for `case_row` (`c` cases, `p` people, `u` users).
pub(crate) const CASE_COLS: &str = concat!(
    "c.id AS c_id, c.case_no AS c_case_no, \
     c.person_id AS c_person_id, p.title AS p_title, p.first_name AS p_first_name, \
     p.last_name AS p_last_name, p.id_kind AS p_id_kind, p.id_number AS p_id_number, \
     p.no_id_reason AS p_no_id_reason, c.channel AS c_channel, c.intake_date AS c_intake_date, \
     c.summary AS c_summary, c.status AS c_status, u.full_name AS u_full_name, \
     c.urgency AS c_urgency, c.pending_approval AS c_pending_approval, \
     rk_sensitive(c.sensitive, c.problem_domains) AS c_sensitive, ",
    restricted_sql!(),
    " AS c_restricted"
);

pub(crate) fn corrupt(what: &str) -> rusqlite::Error {
    rusqlite::Error::InvalidColumnType(0, what.to_owned(), rusqlite::types::Type::Text)
}

pub(crate) fn uuid_col<I: rusqlite::RowIndex>(row: &Row, i: I) -> rusqlite::Result<Uuid> {
    let s: String = row.get(i)?;
    Uuid::parse_str(&s).map_err(|_| corrupt("uuid"))
}

pub(crate) fn date_col<I: rusqlite::RowIndex>(row: &Row, i: I) -> rusqlite::Result<NaiveDate> {
    let s: String = row.get(i)?;
    NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|_| corrupt("date"))
}

fn identity_cols(row: &Row) -> rusqlite::Result<Identity> {
    let kind: String = row.get("p_id_kind")?;
    let number: Option<String> = row.get("p_id_number")?;
    let reason: Option<String> = row.get("p_no_id_reason")?;
    Ok(match (kind.as_str(), number, reason) {
        ("citizen_id", Some(n), _) => Identity::CitizenId { number: n },
        ("g_code", Some(c), _) => Identity::GCode { code: c },
        ("no_id", None, Some(r)) => Identity::NoId {
            reason: NoIdReason::parse(&r).ok_or_else(|| corrupt("no_id_reason"))?,
        },
        _ => return Err(corrupt("identity")),
    })
}

pub(crate) fn person_row(row: &Row) -> rusqlite::Result<Person> {
    let birth: Option<String> = row.get("p_birth_date")?;
    let subdistrict: Option<String> = row.get("p_subdistrict_code")?;
    Ok(Person {
        id: uuid_col(row, "p_id")?,
        title: row.get("p_title")?,
        first_name: row.get("p_first_name")?,
        last_name: row.get("p_last_name")?,
        identity: identity_cols(row)?,
        birth_date: match birth {
            Some(s) => {
                Some(NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|_| corrupt("date"))?)
            }
            None => None,
        },
        sex: Sex::parse(&row.get::<_, String>("p_sex")?).ok_or_else(|| corrupt("sex"))?,
        phone: row.get("p_phone")?,
        address_text: row.get("p_address_text")?,
        created_at: row.get("p_created_at")?,
        place_label: subdistrict
            .as_deref()
            .and_then(|c| crate::places::places().label(c))
            .map(|m| m.label_th),
        subdistrict_code: subdistrict,
        postcode: row.get("p_postcode")?,
        death_date: match row.get::<_, Option<String>>("p_death_date")? {
            Some(s) => {
                Some(NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|_| corrupt("date"))?)
            }
            None => None,
        },
    })
}

/// A case summary; outside need-to-know (`c_restricted`, computed in SQL from
/// raksa-domain's rule) the client's name, ID and the summary are left out.
pub(crate) fn case_row(row: &Row) -> rusqlite::Result<CaseSummary> {
    let restricted: bool = row.get("c_restricted")?;
    let s = case_row_full(row)?;
    Ok(if restricted {
        CaseSummary {
            person_name: String::new(),
            masked_id: String::new(),
            summary: String::new(),
            ..s
        }
    } else {
        s
    })
}

fn case_row_full(row: &Row) -> rusqlite::Result<CaseSummary> {
    let identity = identity_cols(row)?;
    Ok(CaseSummary {
        id: uuid_col(row, "c_id")?,
        case_no: row.get("c_case_no")?,
        person_id: uuid_col(row, "c_person_id")?,
        person_name: format!(
            "{}{} {}",
            row.get::<_, String>("p_title")?,
            row.get::<_, String>("p_first_name")?,
            row.get::<_, String>("p_last_name")?
        ),
        masked_id: validate::masked_id(&identity),
        channel: IntakeChannel::parse(&row.get::<_, String>("c_channel")?)
            .ok_or_else(|| corrupt("channel"))?,
        intake_date: date_col(row, "c_intake_date")?,
        summary: row.get("c_summary")?,
        status: CaseStatus::parse(&row.get::<_, String>("c_status")?)
            .ok_or_else(|| corrupt("status"))?,
        assigned_to: row.get("u_full_name")?,
        urgency: Urgency::parse(&row.get::<_, String>("c_urgency")?)
            .ok_or_else(|| corrupt("urgency"))?,
        pending_approval: match row.get::<_, Option<String>>("c_pending_approval")? {
            Some(k) => {
                Some(crate::lifecycle::ApprovalKind::parse(&k).ok_or_else(|| corrupt("approval"))?)
            }
            None => None,
        },
        sensitive: row.get("c_sensitive")?,
        restricted: row.get("c_restricted")?,
    })
}

/// The one INSERT of a validated person (registration one by one or all together).
pub(crate) fn insert_person(
    tx: &Connection,
    id: Uuid,
    p: &NewPerson,
    user: &str,
    now: &str,
) -> Result<()> {
    let (kind, number, reason) = p.identity.columns();
    tx.prepare_cached(
        "INSERT INTO people (id, title, first_name, last_name, id_kind, id_number,
             no_id_reason, birth_date, sex, phone, address_text, created_by, created_at,
             updated_at, subdistrict_code, postcode)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13, ?14, ?15)",
    )?
    .execute(params![
        id.to_string(),
        p.title,
        p.first_name,
        p.last_name,
        kind,
        number,
        reason,
        p.birth_date.map(|d| d.format("%Y-%m-%d").to_string()),
        p.sex.as_str(),
        p.phone,
        p.address_text,
        user,
        now,
        p.subdistrict_code,
        p.postcode
    ])?;
    Ok(())
}

/// The one INSERT of a validated case (opened by hand or imported), with its number from
/// this PC's block and the "opened" event on its timeline.
pub(crate) fn insert_case(
    tx: &rusqlite::Transaction,
    letter_code: &str,
    user: Uuid,
    now: &str,
    c: &NewCase,
) -> Result<Uuid> {
    let id = Uuid::now_v7();
    let year = thai_date::be_year(c.intake_date);
    // From this PC's block (see `numbering`): never the same number on two PCs.
    let next = crate::numbering::next_number(tx, crate::numbering::Series::Case, year)?;
    let case_no = format!("{letter_code}-{year}-{next:06}");
    tx.execute(
        "INSERT INTO cases (id, case_no, person_id, channel, intake_date, summary, status,
                            assigned_to, created_by, created_at, updated_at, urgency,
                            target_groups, problem_domains, reporter, account, stage_since)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'intake', ?7, ?7, ?8, ?8, ?9, ?10, ?11, ?12, ?13, ?5)",
        params![
            id.to_string(),
            case_no,
            c.person_id.to_string(),
            c.channel.as_str(),
            c.intake_date.format("%Y-%m-%d").to_string(),
            c.summary,
            user.to_string(),
            now,
            c.urgency.as_str(),
            serde_json::to_string(&c.target_groups).expect("serialisable"),
            serde_json::to_string(&c.problem_domains).expect("serialisable"),
            c.reporter
                .as_ref()
                .map(|r| serde_json::to_string(r).expect("serialisable")),
            c.account,
        ],
    )?;
    crate::casework::append_event(
        tx,
        id,
        user,
        now,
        &crate::casework::CaseEventBody::Opened { channel: c.channel },
        None,
    )?;
    Ok(id)
}

/// The accounts deactivated here or on another PC of the office.
fn inactive_users(conn: &Connection) -> Result<Vec<Uuid>> {
    let mut stmt = conn.prepare("SELECT id FROM users WHERE active = 0")?;
    let v = stmt
        .query_map([], |r| uuid_col(r, 0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(v)
}

/// What a re-key changed that people must act on.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct RekeyReport {
    /// A new office recovery key, shown once: the old recovery slot predated sealed slots.
    pub new_recovery_key: Option<String>,
    /// Accounts whose slots predated sealed slots: an administrator must give them a new
    /// password (reactivate with a password) before they can sign in here again.
    pub need_new_password: Vec<String>,
}

/// What the audit entry says about other people's data in an export (the reason itself
/// stays in the export: audit details carry no free text).
pub(crate) fn disclosure_note(scope: &raksa_domain::pdpa::ExportScope) -> &'static str {
    if scope.include_third_parties {
        "third parties included with a stated reason"
    } else {
        "third parties withheld"
    }
}

/// The SQL functions that decide need-to-know for the signed-in user (`CASE_COLS`):
/// `rk_sensitive`, `rk_needs_reason` (raksa-domain's `access` rules), `rk_viewer` and
/// `rk_now` (the session's clock, for break-the-glass expiry). A connection without them
/// cannot list cases at all: the check fails closed.
fn register_viewer(
    conn: &Connection,
    viewer: Uuid,
    role: Role,
    clock: Arc<dyn Clock>,
) -> rusqlite::Result<()> {
    use raksa_domain::access;
    use rusqlite::functions::FunctionFlags;
    fn problems(json: Option<String>) -> Vec<ProblemDomain> {
        json.and_then(|j| serde_json::from_str::<Vec<String>>(&j).ok())
            .unwrap_or_default()
            .iter()
            .filter_map(|p| ProblemDomain::parse(p))
            .collect()
    }
    let det = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    conn.create_scalar_function("rk_sensitive", 2, det, |ctx| {
        let flagged: i64 = ctx.get::<Option<i64>>(0)?.unwrap_or(0);
        Ok(access::is_sensitive(flagged != 0, &problems(ctx.get(1)?)))
    })?;
    conn.create_scalar_function("rk_needs_reason", 4, det, move |ctx| {
        let flagged: i64 = ctx.get::<Option<i64>>(0)?.unwrap_or(0);
        let problems = problems(ctx.get(1)?);
        let id = |i: usize| -> rusqlite::Result<Option<Uuid>> {
            Ok(ctx
                .get::<Option<String>>(i)?
                .and_then(|s| Uuid::parse_str(&s).ok()))
        };
        let case = access::CaseAccess {
            flagged: flagged != 0,
            problems: &problems,
            assigned_to: id(2)?,
            // A case without a readable creator is nobody's: fail closed.
            created_by: id(3)?.unwrap_or(Uuid::nil()),
        };
        Ok(access::needs_reason(viewer, role, &case))
    })?;
    conn.create_scalar_function("rk_viewer", 0, det, move |_| Ok(viewer.to_string()))?;
    conn.create_scalar_function("rk_now", 0, FunctionFlags::SQLITE_UTF8, move |_| {
        Ok(clock.now().to_rfc3339())
    })?;
    Ok(())
}

/// Splits a search into words; each word must match somewhere. Digits typed with dashes
/// or spaces (an ID) count as one word.
fn search_terms(query: &str) -> Vec<String> {
    let q: String = query
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    let compact: String = q.chars().filter(|c| !matches!(c, '-' | ' ')).collect();
    if compact.len() >= 4 && compact.bytes().all(|b| b.is_ascii_digit()) {
        return vec![compact];
    }
    q.split_whitespace().take(6).map(str::to_owned).collect()
}

impl Session {
    pub(crate) fn start(
        dir: DataDir,
        conn: Connection,
        key: DbKey,
        slots: KeySlotsFile,
        user_id: Uuid,
        clock: Arc<dyn Clock>,
    ) -> Result<Session> {
        // This PC's account merged into the office's account of the same name: its
        // password now signs in as that account (and the slot is relabelled for good).
        let mut slots = slots;
        let mut user_id = user_id;
        let merged: Option<String> = conn
            .query_row(
                "SELECT merged_into FROM users WHERE id = ?1",
                [user_id.to_string()],
                |r| r.get(0),
            )
            .optional()?
            .flatten();
        if let Some(office_user) = merged.and_then(|m| Uuid::parse_str(&m).ok()) {
            for slot in &mut slots.slots {
                if let SlotOwner::User { user_id: u, .. } = &mut slot.owner
                    && *u == user_id
                {
                    *u = office_user;
                }
            }
            slots.save(&dir.keyslots_path())?;
            user_id = office_user;
        }
        let user = conn
            .query_row(
                "SELECT id, username, full_name, position, role, active FROM users WHERE id = ?1",
                [user_id.to_string()],
                user_row,
            )
            .optional()?
            .ok_or(CoreError::NotFound)?;
        if !user.active {
            return Err(CoreError::Forbidden);
        }
        let user = UserInfo {
            signs_in_here: true,
            ..user
        };
        register_viewer(&conn, user.id, user.role, clock.clone())?;
        crate::fact_finding::install_shipped(&conn, &clock.now().to_rfc3339())?;
        let office = conn.query_row(
            "SELECT id, name, address, letter_code, phone FROM office LIMIT 1",
            [],
            |r| {
                Ok(OfficeProfile {
                    id: uuid_col(r, 0)?,
                    name: r.get(1)?,
                    address: r.get(2)?,
                    letter_code: r.get(3)?,
                    phone: r.get(4)?,
                })
            },
        )?;
        let mut session = Session {
            dir,
            conn,
            key,
            slots,
            user,
            office,
            clock,
            fail_next_commit: false,
            signer: None,
        };
        // A user deactivated on another PC of the office (the change arrived by sync)
        // still has a slot here: it goes now, with a re-key, at the first unlock.
        let inactive = inactive_users(&session.conn)?;
        if session
            .slots
            .slots
            .iter()
            .any(|s| s.user_id().is_some_and(|u| inactive.contains(&u)))
        {
            session.rekey(&[])?;
        }
        Ok(session)
    }

    /// Takes the administrator's signing key opened from their slot. With none and
    /// `issue_new`, an administrator gets a new key (an office from before signed
    /// accounts, or a password reset with the recovery key): sealed to their slot, listed
    /// on their account and signed by itself — the server trusts it once this PC enrols
    /// again with a one-time code.
    pub(crate) fn settle_signing(&mut self, seed: Option<DbKey>, issue_new: bool) -> Result<()> {
        use crate::admin_signing as sig;
        self.signer = None;
        if self.user.role != Role::Admin {
            return Ok(());
        }
        let now = self.now();
        if let Some(seed) = seed {
            let signer = raksa_protocol::signed::AdminSigner::from_seed(seed.bytes());
            sig::remember_keys(&self.conn, [&signer.public()], &now)?;
            self.signer = Some(signer);
            return Ok(());
        }
        if !issue_new {
            return Ok(());
        }
        let (seed, signer) = sig::new_signer();
        let uid = self.user.id;
        let mut slots = self.slots.clone();
        let office_id = slots.office_id;
        if !slots
            .user_slot_mut(uid)
            .is_some_and(|slot| slot.seal_signing(office_id, &seed))
        {
            return Ok(());
        }
        slots.save(&self.dir.keyslots_path())?;
        self.slots = slots;
        let public = signer.public();
        let mut w = self.begin()?;
        sig::sign_user(&w, &signer, &uid.to_string(), &now, |f| {
            sig::with_key(f, &public)
        })?;
        sig::remember_keys(&w, [&public], &now)?;
        w.audit(
            AuditAction::Update,
            "user",
            Some(&uid.to_string()),
            "administrator signing key issued on this PC",
        )?;
        w.commit()?;
        self.signer = Some(signer);
        Ok(())
    }

    /// The signed-in administrator's signing key.
    pub(crate) fn signer(&self) -> Result<&raksa_protocol::signed::AdminSigner> {
        self.signer.as_ref().ok_or(CoreError::NoSigningKey)
    }

    /// What an enrolment sends so the server trusts this administrator's key.
    pub fn admin_key_grant(&self) -> Option<raksa_protocol::AdminKeyGrant> {
        self.signer.as_ref().map(|s| raksa_protocol::AdminKeyGrant {
            user_id: self.user.id.to_string(),
            key: s.public(),
        })
    }

    /// After an enrolment: the administrator's account is sent again under their
    /// signature, so a key the server learnt only now covers it (an account signed before
    /// the server trusted the key was refused).
    pub(crate) fn restate_own_account(&mut self) -> Result<()> {
        let Some(signer) = self.signer.take() else {
            return Ok(());
        };
        let uid = self.user.id.to_string();
        let now = self.now();
        let public = signer.public();
        let r = (|| {
            let mut w = self.begin()?;
            crate::admin_signing::sign_user(&w, &signer, &uid, &now, |f| {
                crate::admin_signing::with_key(f, &public)
            })?;
            w.audit(
                AuditAction::Update,
                "user",
                Some(&uid),
                "account restated under this PC's signing key after enrolment",
            )?;
            w.commit()
        })();
        self.signer = Some(signer);
        r
    }

    pub fn user(&self) -> &UserInfo {
        &self.user
    }
    pub fn office(&self) -> &OfficeProfile {
        &self.office
    }
    pub fn data_dir(&self) -> &DataDir {
        &self.dir
    }
    pub fn today(&self) -> NaiveDate {
        self.clock.today()
    }
    pub(crate) fn key(&self) -> &DbKey {
        &self.key
    }
    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }
    pub(crate) fn conn_and_fault_flag(&mut self) -> (&mut Connection, &mut bool) {
        (&mut self.conn, &mut self.fail_next_commit)
    }
    pub(crate) fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    pub(crate) fn now(&self) -> String {
        self.clock.now().to_rfc3339()
    }
    pub(crate) fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    pub(crate) fn require(&self, roles: &[Role]) -> Result<()> {
        if roles.contains(&self.user.role) {
            Ok(())
        } else {
            Err(CoreError::Forbidden)
        }
    }

    /// Appends an access (read, search, export…) to the audit trail as the signed-in user.
    /// A change is audited through its unit of work instead (`Session::write`).
    pub fn audit(
        &self,
        action: audit::Access,
        entity: &str,
        entity_id: Option<&str>,
        detail: &str,
    ) -> Result<()> {
        audit::record_access(
            &self.conn,
            &self.now(),
            Some(self.user.id),
            action,
            entity,
            entity_id,
            detail,
        )
    }

    /// Locks: records it, closes the database and zeroes the key.
    pub fn lock(self) {
        let _ = self.audit(
            crate::audit::Access::Lock,
            "user",
            Some(&self.user.id.to_string()),
            "locked",
        );
        tracing::info!("session locked");
        drop(self);
    }

    // ---- people ---------------------------------------------------------------------

    /// Registers many people at once, all or nothing (imports, benchmarks): every row is
    /// validated and checked for a taken ID before one transaction writes them all.
    pub fn register_people(&mut self, inputs: &[NewPerson]) -> Result<Vec<Uuid>> {
        let mut seen = std::collections::HashSet::new();
        let rows = inputs
            .iter()
            .map(|input| self.checked_person(input, &mut seen))
            .collect::<Result<Vec<_>>>()?;
        let now = self.now();
        let user = self.user.id.to_string();
        let mut tx = begin_write!(self)?;
        let mut ids = Vec::with_capacity(rows.len());
        for p in &rows {
            let id = Uuid::now_v7();
            insert_person(&tx, id, p, &user, &now)?;
            ids.push(id);
        }
        tx.audit(
            AuditAction::Create,
            "person",
            None,
            &format!("{} people registered together", ids.len()),
        )?;
        tx.commit()?;
        Ok(ids)
    }

    /// A person validated for registration, with an ID not yet taken here (nor among
    /// `seen`, the IDs of the same batch).
    fn checked_person(
        &self,
        input: &NewPerson,
        seen: &mut std::collections::HashSet<String>,
    ) -> Result<NewPerson> {
        let mut errs = FieldErrors::default();
        let p = validate::new_person(input, self.today(), &mut errs);
        errs.into_result()?;
        let p = p.expect("validated");
        if let (_, Some(n), _) = p.identity.columns() {
            let taken: bool = self.conn.query_row(
                "SELECT EXISTS (SELECT 1 FROM people WHERE id_number = ?1)",
                [&n],
                |r| r.get(0),
            )?;
            if taken || !seen.insert(n) {
                return Err(CoreError::field("identity", FieldProblem::CitizenIdTaken));
            }
        }
        Ok(p)
    }

    pub fn register_person(&mut self, input: &NewPerson) -> Result<Person> {
        let p = self.checked_person(input, &mut std::collections::HashSet::new())?;
        let kind = p.identity.columns().0;
        let id = Uuid::now_v7();
        let now = self.now();
        let mut tx = begin_write!(self)?;
        insert_person(&tx, id, &p, &self.user.id.to_string(), &now)?;
        tx.audit(
            AuditAction::Create,
            "person",
            Some(&id.to_string()),
            &format!("identity kind {kind}"),
        )?;
        tx.commit()?;
        tracing::info!(person = %id, "person registered");
        Ok(Person {
            id,
            title: p.title,
            first_name: p.first_name,
            last_name: p.last_name,
            identity: p.identity,
            birth_date: p.birth_date,
            sex: p.sex,
            phone: p.phone,
            address_text: p.address_text,
            place_label: p
                .subdistrict_code
                .as_deref()
                .and_then(|c| crate::places::places().label(c))
                .map(|m| m.label_th),
            subdistrict_code: p.subdistrict_code,
            postcode: p.postcode,
            death_date: None,
            created_at: now,
        })
    }

    /// Opens a person's record (audited as a read).
    pub fn get_person(&self, id: Uuid) -> Result<PersonDetail> {
        let person = self
            .conn
            .query_row(
                &format!("SELECT {PERSON_COLS} FROM people p WHERE p.id = ?1"),
                [id.to_string()],
                person_row,
            )
            .optional()?
            .ok_or(CoreError::NotFound)?;
        let cases = self.query_cases("WHERE c.person_id = ?1", &[&id.to_string()], 500)?;
        // A victim's whereabouts are the most dangerous part of a sensitive case: while any
        // of the person's cases is outside the user's need-to-know, contact and address
        // stay hidden (the name stays: it is how a duplicate is caught).
        let restricted = cases.iter().any(|c| c.restricted);
        let person = if restricted {
            Person {
                phone: String::new(),
                address_text: String::new(),
                subdistrict_code: None,
                postcode: None,
                place_label: None,
                birth_date: None,
                ..person
            }
        } else {
            person
        };
        let merged_into: Option<String> = self.conn.query_row(
            "SELECT merged_into FROM people WHERE id = ?1",
            [id.to_string()],
            |r| r.get(0),
        )?;
        self.audit(
            crate::audit::Access::Read,
            "person",
            Some(&id.to_string()),
            "record opened",
        )?;
        Ok(PersonDetail {
            person,
            cases,
            merged_into: merged_into.and_then(|m| Uuid::parse_str(&m).ok()),
            restricted,
        })
    }

    /// Finds people by any part of the name, citizen ID or G-code.
    pub fn search_people(&self, query: &str, limit: u32) -> Result<Vec<PersonSummary>> {
        let terms = search_terms(query);
        let mut sql = format!(
            "SELECT {PERSON_COLS},
                (SELECT count(*) FROM cases c WHERE c.person_id = p.id AND c.status != 'closed')
                    AS open_cases
             FROM people p WHERE p.merged_into IS NULL"
        );
        for i in 0..terms.len() {
            sql.push_str(&format!(
                " AND (instr(p.title || p.first_name || ' ' || p.last_name, ?{n}) > 0
                       OR instr(ifnull(p.id_number, ''), ?{n}) > 0)",
                n = i + 1
            ));
        }
        sql.push_str(&format!(
            " ORDER BY p.first_name, p.last_name LIMIT {}",
            limit.min(200)
        ));
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(terms.iter()), |r| {
            let p = person_row(r)?;
            Ok(PersonSummary {
                id: p.id,
                display_name: p.display_name(),
                masked_id: validate::masked_id(&p.identity),
                birth_date: p.birth_date,
                open_cases: r.get("open_cases")?,
            })
        })?;
        let out = rows.collect::<rusqlite::Result<Vec<_>>>()?;
        self.audit(
            crate::audit::Access::Search,
            "person",
            None,
            &format!("{} result(s)", out.len()),
        )?;
        Ok(out)
    }

    // ---- cases ----------------------------------------------------------------------

    /// Opens a case for a registered person. The case number is the office letter code,
    /// the Buddhist-Era year of intake and a running number from this PC's block that
    /// restarts each year.
    pub fn open_case(&mut self, input: &NewCase) -> Result<CaseSummary> {
        let mut errs = FieldErrors::default();
        let c = validate::new_case(input, self.today(), &mut errs);
        errs.into_result()?;
        let c = c.expect("validated");
        let now = self.now();
        let mut tx = begin_write!(self)?;
        let exists: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM people WHERE id = ?1)",
            [c.person_id.to_string()],
            |r| r.get(0),
        )?;
        if !exists {
            return Err(CoreError::NotFound);
        }
        let id = insert_case(&tx, &self.office.letter_code, self.user.id, &now, &c)?;
        tx.audit(
            AuditAction::Create,
            "case",
            Some(&id.to_string()),
            &format!("channel {}", c.channel.as_str()),
        )?;
        tx.commit()?;
        tracing::info!(case = %id, "case opened");
        self.query_cases("WHERE c.id = ?1", &[&id.to_string()], 1)?
            .pop()
            .ok_or(CoreError::NotFound)
    }

    pub(crate) fn query_cases(
        &self,
        where_sql: &str,
        args: &[&dyn rusqlite::ToSql],
        limit: u32,
    ) -> Result<Vec<CaseSummary>> {
        let sql = format!(
            "SELECT {CASE_COLS} FROM cases c JOIN people p ON p.id = c.person_id
             LEFT JOIN users u ON u.id = c.assigned_to {where_sql}
             ORDER BY c.intake_date DESC, c.case_no DESC LIMIT {limit}"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(args, case_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Finds cases by case number, citizen ID, or any part of the client's Thai name.
    /// An empty query lists the most recent cases. Words of three or more characters use
    /// the trigram index; a shorter word falls back to scanning.
    pub fn search_cases(&self, query: &str, limit: u32) -> Result<Vec<CaseSummary>> {
        let terms = search_terms(query);
        let limit = limit.min(500);
        let out = if terms.is_empty() {
            self.query_cases("", &[], limit)?
        } else if terms.iter().all(|t| t.chars().count() >= 3) {
            // FTS5 phrase syntax: each word quoted, inner quotes doubled; all must match.
            let fts: String = terms
                .iter()
                .map(|t| format!("\"{}\"", t.replace('"', "\"\"")))
                .collect::<Vec<_>>()
                .join(" AND ");
            self.query_cases(
                "WHERE c.id IN (SELECT case_id FROM case_search WHERE case_search MATCH ?1)",
                &[&fts],
                limit,
            )?
        } else {
            let mut where_sql = String::from("WHERE 1");
            for i in 0..terms.len() {
                where_sql.push_str(&format!(
                    " AND (instr(c.case_no, ?{n}) > 0
                           OR instr(p.title || p.first_name || ' ' || p.last_name, ?{n}) > 0
                           OR instr(ifnull(p.id_number, ''), ?{n}) > 0)",
                    n = i + 1
                ));
            }
            let args: Vec<&dyn rusqlite::ToSql> =
                terms.iter().map(|t| t as &dyn rusqlite::ToSql).collect();
            self.query_cases(&where_sql, &args, limit)?
        };
        if !terms.is_empty() {
            self.audit(
                crate::audit::Access::Search,
                "case",
                None,
                &format!("{} result(s)", out.len()),
            )?;
        }
        Ok(out)
    }

    // ---- users ----------------------------------------------------------------------

    pub fn list_users(&self) -> Result<Vec<UserInfo>> {
        self.require(&[Role::Admin, Role::Supervisor])?;
        let mut stmt = self.conn.prepare(
            "SELECT id, username, full_name, position, role, active FROM users
             ORDER BY active DESC, full_name",
        )?;
        let rows = stmt.query_map([], user_row)?;
        let mut users = rows.collect::<rusqlite::Result<Vec<_>>>()?;
        for u in &mut users {
            u.signs_in_here = self.slots.slots.iter().any(|s| s.user_id() == Some(u.id));
        }
        Ok(users)
    }

    /// An administrator adds a user with an initial password (handed over in person).
    pub fn add_user(&mut self, input: &NewUser) -> Result<UserInfo> {
        self.require(&[Role::Admin])?;
        let mut errs = FieldErrors::default();
        let u = validate::new_user(input, &mut errs);
        errs.into_result()?;
        let u = u.expect("validated");
        crate::passwords::require_strong("password", &u.password, &[&u.username, &u.full_name])?;
        let taken: bool = self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM users WHERE username = ?1)",
            [&u.username],
            |r| r.get(0),
        )?;
        if taken {
            return Err(CoreError::field("username", FieldProblem::UsernameTaken));
        }
        let id = Uuid::now_v7();
        let now = self.now();
        // A new administrator gets a signing key of their own, sealed to their new slot.
        let new_key = (u.role == Role::Admin).then(crate::admin_signing::new_signer);
        let fields = crate::admin_signing::new_user_fields(
            id,
            &u.username,
            &u.full_name,
            &u.position,
            u.role.as_str(),
            &now,
            Some(self.user.id),
            new_key.as_ref().map(|(_, s)| s.public()).as_deref(),
        );
        let signer = self.signer.as_ref().ok_or(CoreError::NoSigningKey)?;
        let mut tx = begin_write!(self)?;
        crate::admin_signing::write_signed(&tx, signer, Entity::Users, &id.to_string(), fields)?;
        tx.audit(
            AuditAction::Create,
            "user",
            Some(&id.to_string()),
            &format!("role {}", u.role.as_str()),
        )?;
        // The slot file is written before the commit: if it fails, no user row remains.
        let mut slots = self.slots.clone();
        let mut slot = KeySlot::seal(
            slots.office_id,
            SlotOwner::User {
                user_id: id,
                lookup: keyslots::username_lookup(slots.office_id, &u.username),
            },
            u.password.as_bytes(),
            &self.key,
        );
        if let Some((seed, _)) = &new_key {
            slot.seal_signing(slots.office_id, seed);
        }
        slots.put_user_slot(slot);
        slots.save(&self.dir.keyslots_path())?;
        tx.commit()?;
        self.slots = slots;
        Ok(UserInfo {
            id,
            username: u.username,
            full_name: u.full_name,
            position: u.position,
            role: u.role,
            active: true,
            signs_in_here: true,
        })
    }

    /// Deactivates or reactivates a user. A deactivated user's key slot is removed and the
    /// database re-keyed (`rekey`), so neither their password, an old key-slot file nor the
    /// old key opens this database again; reactivation needs a new password.
    pub fn set_user_active(
        &mut self,
        user_id: Uuid,
        active: bool,
        new_password: Option<&str>,
    ) -> Result<RekeyReport> {
        self.require(&[Role::Admin])?;
        if user_id == self.user.id && !active {
            return Err(CoreError::Forbidden);
        }
        let username: String = self
            .conn
            .query_row(
                "SELECT username FROM users WHERE id = ?1",
                [user_id.to_string()],
                |r| r.get(0),
            )
            .optional()?
            .ok_or(CoreError::NotFound)?;
        let signer = self.signer.as_ref().ok_or(CoreError::NoSigningKey)?;
        let is_admin: bool = self.conn.query_row(
            "SELECT role = 'admin' FROM users WHERE id = ?1",
            [user_id.to_string()],
            |r| r.get(0),
        )?;
        let mut slots = self.slots.clone();
        let mut new_key = None;
        if active {
            let pw =
                new_password.ok_or_else(|| CoreError::field("password", FieldProblem::Required))?;
            crate::passwords::require_strong("password", pw, &[&username])?;
            let mut slot = KeySlot::seal(
                slots.office_id,
                SlotOwner::User {
                    user_id,
                    lookup: keyslots::username_lookup(slots.office_id, &username),
                },
                pw.as_bytes(),
                &self.key,
            );
            if is_admin {
                let (seed, s) = crate::admin_signing::new_signer();
                slot.seal_signing(slots.office_id, &seed);
                new_key = Some(s.public());
            }
            slots.put_user_slot(slot);
        } else {
            slots.remove_user(user_id);
        }
        let now = self.now();
        let mut tx = begin_write!(self)?;
        crate::admin_signing::sign_user(&tx, signer, &user_id.to_string(), &now, |f| {
            f.insert("active".into(), serde_json::Value::from(i64::from(active)));
            if let Some(k) = &new_key {
                crate::admin_signing::with_key(f, k);
            }
        })?;
        tx.audit(
            AuditAction::Update,
            "user",
            Some(&user_id.to_string()),
            if active { "reactivated" } else { "deactivated" },
        )?;
        slots.save(&self.dir.keyslots_path())?;
        tx.commit()?;
        self.slots = slots;
        if active {
            Ok(RekeyReport::default())
        } else {
            self.rekey(&[user_id])
        }
    }

    /// A new database key: the database is re-encrypted under it and it is sealed to every
    /// remaining slot (no password needed: slots are sealed to their X25519 keys). The slots
    /// of `removed` users (and of any inactive user) go. A slot made before slots were
    /// sealed cannot follow: a legacy recovery slot is replaced by a new recovery key
    /// (shown once), a legacy user slot is dropped and its user needs a new password.
    /// Crash-safe: the slot file carries both keys until the database is re-keyed.
    pub(crate) fn rekey(&mut self, removed: &[Uuid]) -> Result<RekeyReport> {
        let inactive = inactive_users(&self.conn)?;
        let new = DbKey::generate();
        let office_id = self.slots.office_id;
        let mut slots = self.slots.clone();
        slots.slots.retain(|s| {
            s.user_id()
                .is_none_or(|u| !removed.contains(&u) && !inactive.contains(&u))
        });
        let mut report = RekeyReport::default();
        let mut kept = Vec::new();
        for mut slot in slots.slots.drain(..) {
            if slot.reseal(office_id, &new, Some(&self.key)) {
                kept.push(slot);
                continue;
            }
            match slot.user_id() {
                None => {
                    let rk = crate::crypto::RecoveryKey::generate();
                    kept.push(KeySlot::seal(
                        office_id,
                        SlotOwner::Recovery,
                        &rk.secret(),
                        &new,
                    ));
                    report.new_recovery_key = Some(rk.display().to_owned());
                }
                Some(u) => {
                    let name: Option<String> = self
                        .conn
                        .query_row(
                            "SELECT full_name FROM users WHERE id = ?1",
                            [u.to_string()],
                            |r| r.get(0),
                        )
                        .optional()?;
                    report.need_new_password.push(name.unwrap_or_default());
                }
            }
        }
        slots.slots = kept;
        // 1. every slot opens both keys; 2. the database takes the new one; 3. only the new.
        slots.save(&self.dir.keyslots_path())?;
        let rekey = zeroize::Zeroizing::new(format!(
            "PRAGMA rekey = \"{}\";",
            new.sqlcipher_literal().as_str()
        ));
        self.conn.execute_batch(&rekey)?;
        for slot in &mut slots.slots {
            slot.reseal(office_id, &new, None);
        }
        slots.save(&self.dir.keyslots_path())?;
        self.slots = slots;
        self.key = new;
        self.audit(
            crate::audit::Access::Decision,
            "office",
            Some(&office_id.to_string()),
            &format!(
                "database re-keyed: {} slot(s) removed{}{}",
                removed.len(),
                if report.new_recovery_key.is_some() {
                    ", new recovery key issued"
                } else {
                    ""
                },
                if report.need_new_password.is_empty() {
                    String::new()
                } else {
                    format!(
                        ", {} legacy slot(s) need a new password",
                        report.need_new_password.len()
                    )
                }
            ),
        )?;
        tracing::info!("database re-keyed");
        Ok(report)
    }

    /// Changes the signed-in user's password: re-wraps their key slot only.
    pub fn change_password(&mut self, current: &str, new: &str) -> Result<()> {
        crate::passwords::require_strong(
            "new_password",
            new,
            &[&self.user.username, &self.user.full_name],
        )?;
        let lookup = keyslots::username_lookup(self.slots.office_id, &self.user.username);
        let ok = self
            .slots
            .user_slot(&lookup)
            .and_then(|s| s.open(self.slots.office_id, current.as_bytes()))
            .is_some();
        if !ok {
            return Err(CoreError::BadCredentials);
        }
        let mut slots = self.slots.clone();
        let mut slot = KeySlot::seal(
            slots.office_id,
            SlotOwner::User {
                user_id: self.user.id,
                lookup,
            },
            new.as_bytes(),
            &self.key,
        );
        if let Some(signer) = &self.signer {
            // the administrator's signing key moves to the new slot
            slot.seal_signing(slots.office_id, &DbKey::from_bytes(&signer.seed()));
        }
        slots.put_user_slot(slot);
        slots.save(&self.dir.keyslots_path())?;
        self.slots = slots;
        let now = self.now();
        let uid = self.user.id.to_string();
        let mut w = self.begin()?;
        w.execute(
            "UPDATE users SET password_changed_at = ?1 WHERE id = ?2",
            params![now, uid],
        )?;
        w.audit(AuditAction::Update, "user", Some(&uid), "password changed")?;
        w.commit()?;
        Ok(())
    }

    // ---- settings and audit ---------------------------------------------------------

    pub fn settings(&self) -> Result<OfficeSettings> {
        let v: Option<String> = self
            .conn
            .query_row(
                "SELECT value FROM settings WHERE key = 'idle_lock_minutes'",
                [],
                |r| r.get(0),
            )
            .optional()?;
        Ok(OfficeSettings {
            idle_lock_minutes: v.and_then(|v| v.parse().ok()).unwrap_or(10),
        })
    }

    pub fn update_settings(&mut self, s: &OfficeSettings) -> Result<()> {
        self.require(&[Role::Admin])?;
        if !(1..=240).contains(&s.idle_lock_minutes) {
            return Err(CoreError::field(
                "idle_lock_minutes",
                FieldProblem::OutOfRange,
            ));
        }
        let mut w = self.begin()?;
        w.execute(
            "INSERT INTO settings (key, value) VALUES ('idle_lock_minutes', ?1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [s.idle_lock_minutes.to_string()],
        )?;
        w.audit(
            AuditAction::Update,
            "settings",
            None,
            &format!("idle_lock_minutes={}", s.idle_lock_minutes),
        )?;
        w.commit()?;
        Ok(())
    }

    /// The newest audit entries, for administrators and supervisors.
    pub fn audit_entries(&self, limit: u32) -> Result<Vec<AuditEntry>> {
        self.require(&[Role::Admin, Role::Supervisor])?;
        let mut stmt = self.conn.prepare(
            "SELECT a.seq, a.at, u.username, a.action, a.entity, a.entity_id, a.detail
             FROM audit_log a LEFT JOIN users u ON u.id = a.user_id
             ORDER BY a.seq DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit.min(10_000)], |r| {
            Ok(AuditEntry {
                seq: r.get(0)?,
                at: r.get(1)?,
                user: r.get(2)?,
                action: r.get(3)?,
                entity: r.get(4)?,
                entity_id: r.get(5)?,
                detail: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    // ---- integrity ------------------------------------------------------------------

    /// Recomputes the audit trail's hash chain (administrators and supervisors: the
    /// people who answer for it); the check itself is recorded.
    pub fn verify_audit(&self) -> Result<crate::audit::AuditCheck> {
        self.require(&[Role::Admin, Role::Supervisor])?;
        let check = crate::audit::verify(&self.conn)?;
        self.audit(
            crate::audit::Access::Read,
            "audit",
            None,
            &match check.broken_at {
                None => format!("chain verified: {} entries", check.entries),
                Some(seq) => format!("chain BROKEN at entry {seq}"),
            },
        )?;
        Ok(check)
    }

    pub fn check(&self) -> Result<CheckReport> {
        let problems = db::integrity_problems(&self.conn)?;
        let count = |table: &str| -> Result<u32> {
            Ok(self
                .conn
                .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?)
        };
        Ok(CheckReport {
            schema_version: migrations::current_version(&self.conn)?,
            latest_schema_version: migrations::LATEST,
            integrity_ok: problems.is_empty(),
            problems,
            users: count("users")?,
            people: count("people")?,
            cases: count("cases")?,
            audit_entries: count("audit_log")?,
        })
    }

    // ---- export (PDPA §30/§31 right of access and portability) ---------------------

    /// Everything held about one person, machine-readable. Audited as an export.
    pub fn export_person(
        &self,
        id: Uuid,
        scope: &raksa_domain::pdpa::ExportScope,
    ) -> Result<serde_json::Value> {
        let v = self.scoped_person_export(id, scope)?;
        self.audit(
            crate::audit::Access::Export,
            "person",
            Some(&id.to_string()),
            &format!("json export; {}", disclosure_note(scope)),
        )?;
        Ok(v)
    }

    /// An access request's data: supervisors and administrators only; other people's data
    /// withheld unless `scope` includes it with a reason (raksa-domain `pdpa`).
    pub(crate) fn scoped_person_export(
        &self,
        id: Uuid,
        scope: &raksa_domain::pdpa::ExportScope,
    ) -> Result<serde_json::Value> {
        self.require(&[Role::Supervisor, Role::Admin])?;
        let reason = if scope.include_third_parties {
            Some(
                raksa_domain::access::reason(&scope.reason)
                    .ok_or_else(|| CoreError::field("reason", FieldProblem::ReasonTooShort))?,
            )
        } else {
            None
        };
        let mut v = self.person_export_value(id)?;
        match reason {
            None => {
                raksa_domain::pdpa::withhold_third_parties(&mut v, &id.to_string());
                v["disclosure"] = serde_json::json!({ "third_parties": "withheld" });
            }
            Some(r) => {
                v["disclosure"] = serde_json::json!({
                    "third_parties": "included",
                    "reason": r,
                    "decided_by": self.user.full_name,
                    "decided_at": self.now(),
                });
            }
        }
        Ok(v)
    }

    /// The export itself, not audited (the callers audit what they hand out).
    pub(crate) fn person_export_value(&self, id: Uuid) -> Result<serde_json::Value> {
        let detail = self.get_person(id)?;
        let case_ids: Vec<String> = detail.cases.iter().map(|c| c.id.to_string()).collect();
        let mut stmt = self.conn.prepare(
            "SELECT a.seq, a.at, u.full_name, a.action, a.entity, a.entity_id, a.detail
             FROM audit_log a LEFT JOIN users u ON u.id = a.user_id
             WHERE a.entity_id = ?1 ORDER BY a.seq",
        )?;
        let mut access_log = Vec::new();
        for eid in std::iter::once(id.to_string()).chain(case_ids) {
            let rows = stmt.query_map([&eid], |r| {
                Ok(serde_json::json!({
                    "at": r.get::<_, String>(1)?,
                    "by": r.get::<_, Option<String>>(2)?,
                    "action": r.get::<_, String>(3)?,
                    "entity": r.get::<_, String>(4)?,
                    "entity_id": r.get::<_, Option<String>>(5)?,
                    "detail": r.get::<_, String>(6)?,
                }))
            })?;
            for r in rows {
                access_log.push(r?);
            }
        }
        // Everything recorded about each case: timeline, plans, the fact-finding form with
        // its answers, and which files are attached (their contents stay in the database).
        let mut cases = Vec::new();
        for c in &detail.cases {
            let case = self.get_case(c.id)?;
            let form = if case.fact_finding == crate::fact_finding::FormStatus::New {
                serde_json::Value::Null
            } else {
                let f = self.fact_finding(c.id)?;
                serde_json::json!({
                    "form_id": f.definition.form_id,
                    "form_version": f.definition.version,
                    "status": f.status,
                    "answers": f.answers,
                    "attachments": f.attachments,
                })
            };
            cases.push(serde_json::json!({ "case": case, "fact_finding": form }));
        }
        let household = self.person_household(id)?;
        Ok(serde_json::json!({
            "format": "raksa-person-export",
            "version": 2,
            "exported_at": self.now(),
            "office": { "name": self.office.name, "address": self.office.address, "phone": self.office.phone },
            "person": detail.person,
            "household": household,
            "cases": cases,
            "access_log": access_log,
        }))
    }

    /// Every person with their cases (office-wide export). Administrators only.
    pub fn export_all(&self) -> Result<serde_json::Value> {
        self.require(&[Role::Admin])?;
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {PERSON_COLS} FROM people p ORDER BY p.created_at"
        ))?;
        let people = stmt
            .query_map([], person_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let cases = self.query_cases("", &[], u32::MAX)?;
        self.audit(
            crate::audit::Access::Export,
            "office",
            Some(&self.office.id.to_string()),
            &format!(
                "json export of {} people, {} cases",
                people.len(),
                cases.len()
            ),
        )?;
        Ok(serde_json::json!({
            "format": "raksa-office-export",
            "version": 1,
            "exported_at": self.now(),
            "office": self.office,
            "people": people,
            "cases": cases,
        }))
    }
}

fn user_row(r: &Row) -> rusqlite::Result<UserInfo> {
    Ok(UserInfo {
        id: uuid_col(r, 0)?,
        username: r.get(1)?,
        full_name: r.get(2)?,
        position: r.get(3)?,
        role: Role::parse(&r.get::<_, String>(4)?).ok_or_else(|| corrupt("role"))?,
        active: r.get(5)?,
        signs_in_here: false,
    })
}
