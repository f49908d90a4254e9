//! Referrals another Raksa office sent to this one, and this office's answers to them.

#[allow(unused_imports)]
use super::*;

/// A referral another Raksa office sent to this one.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct IncomingReferral {
    pub id: Uuid,
    pub from_office: String,
    /// `new` until this office answers, then the latest answer.
    pub status: String,
    pub urgency: Option<LetterUrgency>,
    pub requested: String,
    pub letter: Option<LetterText>,
    /// The sender's register number, `123/2569`.
    pub register_no: Option<String>,
    #[ts(type = "string | null")]
    pub letter_date: Option<NaiveDate>,
    pub received_at: String,
    /// The sender withdrew it.
    pub withdrawn: bool,
}

/// An answer to an incoming referral.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ReferralReply {
    pub status: ReferralStatus,
    #[ts(type = "string")]
    pub on: NaiveDate,
    pub note: String,
}

impl Session {
    /// Referrals other offices addressed to this one (audited as a read).
    pub fn incoming_referrals(&self) -> Result<Vec<IncomingReferral>> {
        let rows: Vec<(String, String, String, String, String)> = self
            .conn()
            .prepare(
                "SELECT id, from_office, fields, status, received_at FROM incoming_referrals
                 ORDER BY received_at DESC",
            )?
            .query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut out = Vec::new();
        for (id, from, fields, status, received) in rows {
            let f: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(&fields).map_err(|e| CoreError::Corrupt(e.to_string()))?;
            let text = |k: &str| f.get(k).and_then(|v| v.as_str()).unwrap_or("").to_owned();
            let sender_status = text("status");
            out.push(IncomingReferral {
                id: Uuid::parse_str(&id).map_err(|_| CoreError::Corrupt("id".into()))?,
                from_office: from,
                withdrawn: sender_status == "withdrawn",
                status,
                urgency: LetterUrgency::parse(&text("urgency")),
                requested: text("requested"),
                letter: serde_json::from_str(&text("body")).ok(),
                register_no: match (f.get("letter_no"), f.get("letter_year")) {
                    (Some(n), Some(y)) if !n.is_null() && !y.is_null() => Some(format!("{n}/{y}")),
                    _ => None,
                },
                letter_date: NaiveDate::parse_from_str(&text("letter_date"), "%Y-%m-%d").ok(),
                received_at: received,
            });
        }
        self.audit(
            crate::audit::Access::Read,
            "incoming_referral",
            None,
            "list",
        )?;
        Ok(out)
    }

    /// Answers an incoming referral; the answer travels back to the sender with the next sync.
    pub fn reply_to_referral(&mut self, id: Uuid, reply: &ReferralReply) -> Result<()> {
        self.require(WRITERS)?;
        use ReferralStatus::*;
        if !matches!(
            reply.status,
            Received | Accepted | Declined | ServiceDelivered | FeedbackReceived
        ) {
            return Err(CoreError::field("status", FieldProblem::NotAChoice));
        }
        let note = validate::text(&reply.note, validate::MAX_TEXT, true)
            .map_err(|p| CoreError::field("note", p))?;
        if reply.status == Declined && note.is_empty() {
            return Err(CoreError::field("note", FieldProblem::Required));
        }
        if reply.on > self.today() {
            return Err(CoreError::field("on", FieldProblem::DateInFuture));
        }
        let current: String = self
            .conn()
            .query_row(
                "SELECT status FROM incoming_referrals WHERE id = ?1",
                [id.to_string()],
                |r| r.get(0),
            )
            .optional()?
            .ok_or(CoreError::NotFound)?;
        // The same rule the central server applies to this answer (raksa-domain).
        // `new` is how this office files a referral still waiting for its first answer.
        let from = match current.as_str() {
            "new" => Some(ReferralStatus::Sent),
            other => ReferralStatus::parse(other),
        };
        if !from.is_some_and(|from| raksa_domain::referral::reply_allowed(from, reply.status)) {
            return Err(CoreError::Transition("referral_step"));
        }
        let now = self.now();
        let office = self.office().letter_code.clone();
        let name = format!("{} {}", self.user().full_name, self.user().position);
        let mut tx = self.begin()?;
        tx.execute(
            "INSERT INTO referral_replies (id, referral_id, from_office, status, on_date, note,
                 by_name, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                Uuid::now_v7().to_string(),
                id.to_string(),
                office,
                reply.status.as_str(),
                fmt_date(reply.on),
                note,
                name,
                now
            ],
        )?;
        tx.execute(
            "UPDATE incoming_referrals SET status = ?2, updated_at = ?3 WHERE id = ?1",
            params![id.to_string(), reply.status.as_str(), now],
        )?;
        tx.audit(
            AuditAction::Update,
            "incoming_referral",
            Some(&id.to_string()),
            reply.status.as_str(),
        )?;
        tx.commit()?;
        Ok(())
    }
}
