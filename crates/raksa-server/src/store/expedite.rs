//! Expedite notices on the server (issue 16 §3): HuSEC staff send a notice for items in
//! their scope; it is written into the owning office's stream (its PCs pull it), and the
//! office's answer comes back as a change of the answer fields only, checked here.

use chrono::{NaiveDate, Utc};
use raksa_domain::expedite::{self, ExpediteStep};
use raksa_protocol::{EXPEDITE_ANSWER_FIELDS, Entity, Mutation, Outcome};
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::husec::{HusecUser, audit, op_item};
use super::sealing::Keyring;
use super::{Device, Result, Tx, refuse};
use crate::tracking::{self as t, TrackRow};

const TABLE: &str = "expedite_notices";

fn bad(th: &str, en: &str) -> super::StoreError {
    refuse(400, "invalid", th, en)
}

/// The escalation rules in force: the domain's defaults, then every stored version (the
/// newest version in force on a notice's day wins, `expedite::respond_by`).
pub(super) fn escalation_rules<T: Tx>(tx: &mut T) -> Result<Vec<expedite::EscalationRule>> {
    let mut rules = expedite::default_rules();
    for (step, days, from) in tx.escalation_rules()? {
        if let (Some(step), Ok(from), Ok(days)) = (
            ExpediteStep::parse(&step),
            NaiveDate::parse_from_str(&from, "%Y-%m-%d"),
            u32::try_from(days),
        ) {
            rules.push(expedite::EscalationRule {
                step,
                days,
                effective_from: from,
            });
        }
    }
    Ok(rules)
}

/// Adds a dated escalation rule (`raksa-server escalation add`): checked by raksa-domain,
/// a version never replaced.
pub(super) fn op_add_rule<T: Tx>(
    tx: &mut T,
    rule: &expedite::EscalationRule,
    by: &str,
    today: NaiveDate,
) -> Result<()> {
    if let Err(p) = expedite::check_rule(rule, today) {
        return Err(bad(p.message_th(), p.message_en()));
    }
    let by = by.trim();
    if by.is_empty() || by.chars().count() > 200 {
        return Err(bad("กรุณาระบุผู้กำหนดหลักเกณฑ์", "Say who sets the rule"));
    }
    let added = tx.add_escalation_rule(
        rule.step.as_str(),
        i64::from(rule.days),
        &rule.effective_from.to_string(),
        by,
        &Utc::now().to_rfc3339(),
    )?;
    if !added {
        let p = raksa_domain::field::FieldProblem::RuleVersionExists;
        return Err(refuse(409, "exists", p.message_th(), p.message_en()));
    }
    Ok(())
}

/// Sends a notice for each item (kind, id) — all in the account's scope, or none is sent.
/// `respond_by` defaults to the escalation rule of the notice's step. Returns the notices.
pub(super) fn op_send<T: Tx>(
    tx: &mut T,
    keys: &Keyring,
    user: &HusecUser,
    items: &[(String, String)],
    note: &str,
    respond_by: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<Vec<String>> {
    if items.is_empty() || items.len() > 500 {
        return Err(bad(
            "กรุณาเลือกรายการที่จะเร่งรัด (ครั้งละไม่เกิน 500 รายการ)",
            "Choose 1–500 items",
        ));
    }
    expedite::check_text(note).map_err(|p| bad(p.message_th(), p.message_en()))?;
    if respond_by.is_some_and(|d| d < today) {
        return Err(bad(
            "วันที่ขอให้ตอบต้องไม่ก่อนวันนี้",
            "The answer date cannot be in the past",
        ));
    }
    let mut rows: Vec<TrackRow> = Vec::new();
    for (kind, id) in items {
        if kind == t::NOTICE {
            return Err(bad("เลือกได้เฉพาะกรณี การส่งต่อ หรือคำขอ", "Not an item"));
        }
        rows.push(op_item(tx, user, kind, id)?);
    }
    tx.lock_writes()?;
    let rules = escalation_rules(tx)?;
    let now = Utc::now().to_rfc3339();
    let sent_by = format!("{} ({}, {})", user.full_name, user.username, user.role_th());
    let mut out = Vec::new();
    for row in rows {
        let previous: Vec<ExpediteStep> = tx
            .track_children(t::NOTICE, &row.id)?
            .iter()
            .filter_map(|n| n.facts.step.as_deref().and_then(ExpediteStep::parse))
            .collect();
        let step = expedite::step_after(&previous);
        let due = respond_by.unwrap_or_else(|| expedite::respond_by(&rules, step, today));
        let case_id = match row.kind.as_str() {
            t::CASE => Some(row.id.clone()),
            _ => row.parent.clone(),
        };
        let id = uuid::Uuid::now_v7().to_string();
        let fields = json!({
            "id": id, "target_kind": row.kind, "target_id": row.id, "case_id": case_id,
            "number": row.number, "step": step.as_str(), "note": note.trim(),
            "respond_by": due.to_string(), "sent_by": sent_by, "sent_at": now,
            "status": "open", "answer": Value::Null, "new_date": Value::Null,
            "answered_by": Value::Null, "answered_at": Value::Null, "updated_at": now,
        });
        let fields = fields.as_object().expect("object");
        let sealed = keys.seal_fields(tx, &row.office, TABLE, fields)?;
        let pos = tx.next_position()?;
        super::tracking::put(
            tx,
            keys,
            TABLE,
            &id,
            &id,
            &row.office,
            fields,
            &sealed,
            pos,
            &now,
        )?;
        audit(
            tx,
            &user.username,
            "send_expedite",
            &row.office,
            &format!("{}:{}", row.kind, row.id),
            note.trim(),
        )?;
        out.push(id);
    }
    Ok(out)
}

fn text<'a>(m: &'a Map<String, Value>, k: &str) -> &'a str {
    m.get(k).and_then(Value::as_str).unwrap_or("")
}

/// The office answers a notice: only the answer fields may change, the answer is plain
/// text, the new date a date.
pub(super) fn apply_answer<T: Tx>(
    tx: &mut T,
    keys: &Keyring,
    device: &Device,
    m: &Mutation,
    current: Option<Map<String, Value>>,
    now: &str,
) -> Result<Outcome> {
    let reject = |r: &str| Ok(Outcome::Rejected { reason: r.into() });
    let Some(cur) = current else {
        return reject("ไม่พบหนังสือเร่งรัดนี้ที่เซิร์ฟเวอร์ (สำนักงานสร้างหนังสือเร่งรัดเองไม่ได้)");
    };
    for (k, v) in &m.fields {
        if !EXPEDITE_ANSWER_FIELDS.contains(&k.as_str()) && cur.get(k) != Some(v) {
            return reject("แก้ไขได้เฉพาะคำตอบของสำนักงาน");
        }
    }
    if text(&m.fields, "status") != "answered" {
        return reject("สถานะคำตอบไม่ถูกต้อง");
    }
    if let Err(p) = expedite::check_text(text(&m.fields, "answer")) {
        return reject(p.message_th());
    }
    let new_date = m.fields.get("new_date").cloned().unwrap_or(Value::Null);
    if let Value::String(d) = &new_date
        && NaiveDate::parse_from_str(d, "%Y-%m-%d").is_err()
    {
        return reject("วันที่คาดว่าจะดำเนินการแล้วเสร็จไม่ถูกต้อง");
    }
    let mut merged = cur.clone();
    for k in ["answer", "answered_by", "answered_at"] {
        merged.insert(k.into(), m.fields.get(k).cloned().unwrap_or(Value::Null));
    }
    merged.insert("new_date".into(), new_date);
    merged.insert("status".into(), Value::String("answered".into()));
    merged.insert("updated_at".into(), Value::String(now.to_owned()));
    if merged == cur {
        return Ok(Outcome::Duplicate);
    }
    let sealed = keys.seal_fields(tx, &device.office, TABLE, &merged)?;
    let pos = tx.next_position()?;
    super::tracking::put(
        tx,
        keys,
        TABLE,
        &m.record_id,
        &m.record_id,
        &device.office,
        &merged,
        &sealed,
        pos,
        now,
    )?;
    Ok(Outcome::Applied)
}

/// One notice as HuSEC's item page shows it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct NoticeView {
    pub id: String,
    pub step: String,
    pub note: String,
    pub respond_by: String,
    pub sent_by: String,
    pub sent_at: String,
    pub status: String,
    pub answer: String,
    pub new_date: String,
    pub answered_by: String,
    pub answered_at: String,
}

/// The notices sent about an item in the account's scope, oldest first.
pub(super) fn op_notices<T: Tx>(
    tx: &mut T,
    keys: &Keyring,
    user: &HusecUser,
    kind: &str,
    id: &str,
) -> Result<Vec<NoticeView>> {
    let item = op_item(tx, user, kind, id)?;
    let mut out = Vec::new();
    for n in tx.track_children(t::NOTICE, &item.id)? {
        let Some((office, json)) = tx.record(Entity::ExpediteNotices.table(), &n.id)? else {
            continue;
        };
        let f = keys.open_json(tx, &office, TABLE, &json)?;
        let g = |k: &str| text(&f, k).to_owned();
        out.push(NoticeView {
            id: g("id"),
            step: g("step"),
            note: g("note"),
            respond_by: g("respond_by"),
            sent_by: g("sent_by"),
            sent_at: g("sent_at"),
            status: g("status"),
            answer: g("answer"),
            new_date: g("new_date"),
            answered_by: g("answered_by"),
            answered_at: g("answered_at"),
        });
    }
    out.sort_by(|a, b| a.sent_at.cmp(&b.sent_at));
    Ok(out)
}
