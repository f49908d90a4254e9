//! HuSEC's tracking (issue 16): one small row per case, referral and request, kept up to
//! date as the server applies each write (`store::tracking::note`), and figures kept as
//! counters beside them. The national view then reads O(offices × figures) counters and an
//! index range of the late rows — never the history — and the late list is an index scan.
//!
//! Everything here is pure: a row is derived from a record's fields (opened), the row it
//! replaces and the office's deadline rules, with the same deadline computation the
//! office's "my work" uses (`raksa_domain::deadlines`), so an item is late on HuSEC's page
//! exactly when it is late at the office. Rows hold no names, IDs, contacts or free text.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use raksa_domain::deadlines::{self, CaseFacts, DeadlineRule, Milestone};
use raksa_domain::model::{CaseStatus, ProblemDomain, TargetGroup, Urgency};
use raksa_domain::timeline::CaseEventBody;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub const CASE: &str = "case";
pub const REFERRAL: &str = "referral";
pub const REQUEST: &str = "request";
/// An expedite notice from HuSEC, late when the office has not answered by its date.
pub const NOTICE: &str = "notice";
/// The "milestone" of a notice's row.
pub const EXPEDITE: &str = "expedite";

/// Longest duration kept per day in the time histograms; longer ones count here.
pub const MAX_DAYS: i64 = 400;

/// What a row keeps besides its indexed columns (non-personal only).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facts {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub target_groups: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problem_domains: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub core_issues: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_contact: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intervention_since: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_visit: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_on: Option<NaiveDate>,
    /// A referral's receiving office (when it runs Raksa).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_office: Option<String>,
    /// A request's province (from its sub-district), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub province: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sensitive: bool,
    /// A notice's escalation step and the kind of item it is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_kind: Option<String>,
}

/// One tracked item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrackRow {
    /// `case`, `referral` or `request`.
    pub kind: String,
    pub id: String,
    /// The owning office (a request in the national queue: `_national`).
    pub office: String,
    /// A referral's case.
    pub parent: Option<String>,
    /// What staff call it: the case number, the letter number, or a request's short id.
    pub number: String,
    /// The record's status; empty while only a case's timeline has arrived.
    pub status: String,
    pub channel: String,
    pub urgency: String,
    pub assigned: bool,
    /// Intake (case), sending (referral) or receipt (request) day.
    pub started_on: Option<NaiveDate>,
    /// The earliest open deadline and its milestone.
    pub due_milestone: Option<String>,
    pub due_on: Option<NaiveDate>,
    pub facts: Facts,
}

impl TrackRow {
    fn new(kind: &str, id: &str, office: &str) -> TrackRow {
        TrackRow {
            kind: kind.into(),
            id: id.into(),
            office: office.into(),
            parent: None,
            number: String::new(),
            status: String::new(),
            channel: String::new(),
            urgency: String::new(),
            assigned: false,
            started_on: None,
            due_milestone: None,
            due_on: None,
            facts: Facts::default(),
        }
    }

    /// A case known so far only by its timeline (entries may arrive before the case).
    pub fn placeholder(case_id: &str, office: &str) -> TrackRow {
        TrackRow::new(CASE, case_id, office)
    }

    pub fn urgency(&self) -> Urgency {
        Urgency::parse(&self.urgency).unwrap_or(Urgency::Normal)
    }

    /// Days late on `today` (positive when late), if it has an open deadline.
    pub fn days_late(&self, today: NaiveDate) -> Option<i64> {
        self.due_on.map(|d| (today - d).num_days())
    }

    pub fn is_late(&self, today: NaiveDate) -> bool {
        self.due_on.is_some_and(|d| d < today)
    }
}

pub(crate) fn s<'a>(m: &'a Map<String, Value>, k: &str) -> &'a str {
    m.get(k).and_then(Value::as_str).unwrap_or("")
}

pub(crate) fn date(v: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(v.get(..10)?, "%Y-%m-%d").ok()
}

fn list(m: &Map<String, Value>, k: &str) -> Vec<String> {
    match m.get(k) {
        Some(Value::String(t)) => serde_json::from_str(t).unwrap_or_default(),
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

fn truthy(v: Option<&Value>) -> bool {
    match v {
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_i64().is_some_and(|n| n != 0),
        Some(Value::String(t)) => t == "1" || t == "true",
        _ => false,
    }
}

/// An office's deadline rules: the defaults plus the rows it uploaded (deadline_rules
/// records, opened).
pub fn office_rules<'a>(
    records: impl IntoIterator<Item = &'a Map<String, Value>>,
) -> Vec<DeadlineRule> {
    let mut rules = deadlines::default_rules();
    for r in records {
        let (Some(m), Some(u), Some(from)) = (
            Milestone::parse(s(r, "milestone")),
            Urgency::parse(s(r, "urgency")),
            date(s(r, "effective_from")),
        ) else {
            continue;
        };
        rules.push(DeadlineRule {
            milestone: m,
            urgency: u,
            days: r.get("days").and_then(Value::as_u64).unwrap_or(30) as u32,
            effective_from: from,
            reference: String::new(),
        });
    }
    rules
}

/// A case's row from its record: the case's own fields, the timeline facts already folded
/// into `prev`.
pub fn case_row(
    office: &str,
    c: &Map<String, Value>,
    prev: Option<&TrackRow>,
    rules: &[DeadlineRule],
) -> TrackRow {
    let mut row = TrackRow::new(CASE, s(c, "id"), office);
    if let Some(p) = prev {
        row.facts.first_contact = p.facts.first_contact;
        row.facts.intervention_since = p.facts.intervention_since;
        row.facts.last_visit = p.facts.last_visit;
    }
    let status = CaseStatus::parse(s(c, "status"));
    row.number = s(c, "case_no").to_owned();
    row.status = status.map(CaseStatus::as_str).unwrap_or("").to_owned();
    row.channel = s(c, "channel").to_owned();
    row.urgency = Urgency::parse(s(c, "urgency"))
        .unwrap_or(Urgency::Normal)
        .as_str()
        .to_owned();
    row.assigned = !s(c, "assigned_to").is_empty();
    row.started_on = date(s(c, "intake_date"));
    // read as the office wrote them: a list the domain does not know counts as none
    row.facts.target_groups = serde_json::from_str::<Vec<TargetGroup>>(s(c, "target_groups"))
        .unwrap_or_default()
        .into_iter()
        .map(|g| g.as_str().to_owned())
        .collect();
    row.facts.problem_domains = serde_json::from_str::<Vec<ProblemDomain>>(s(c, "problem_domains"))
        .unwrap_or_default()
        .into_iter()
        .map(|d| d.as_str().to_owned())
        .collect();
    row.facts.sensitive = truthy(c.get("sensitive"));
    if status == Some(CaseStatus::Closed) {
        row.facts.closed_on = date(s(c, "stage_since"));
    }
    set_case_due(&mut row, rules);
    row
}

/// Folds one timeline entry into a case's facts (the same reading as
/// `CaseFacts::from_timeline`: earliest first contact, latest visit and plan approval).
pub fn fold_event(row: &mut TrackRow, at: &str, body: &CaseEventBody, rules: &[DeadlineRule]) {
    let one = CaseFacts::from_timeline(
        row.started_on.unwrap_or(NaiveDate::MIN),
        row.urgency(),
        CaseStatus::Intake,
        [(at, body)],
    );
    row.facts.first_contact = match (row.facts.first_contact, one.first_contact) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    row.facts.last_visit = row.facts.last_visit.max(one.last_visit);
    row.facts.intervention_since = row.facts.intervention_since.max(one.intervention_since);
    set_case_due(row, rules);
}

/// The case's earliest open deadline, exactly as the office computes its deadlines.
pub fn set_case_due(row: &mut TrackRow, rules: &[DeadlineRule]) {
    row.due_milestone = None;
    row.due_on = None;
    let (Some(stage), Some(intake)) = (CaseStatus::parse(&row.status), row.started_on) else {
        return;
    };
    let facts = CaseFacts {
        intake_date: intake,
        urgency: row.urgency(),
        stage,
        first_contact: row.facts.first_contact,
        intervention_since: row.facts.intervention_since,
        last_visit: row.facts.last_visit,
    };
    if let Some((m, d)) = deadlines::due_dates(&facts, rules)
        .into_iter()
        .min_by_key(|(_, d)| *d)
    {
        row.due_milestone = Some(m.as_str().to_owned());
        row.due_on = Some(d);
    }
}

/// A referral's row: waiting for a reply once sent, late by the reply rule for its case's
/// urgency.
pub fn referral_row(
    office: &str,
    r: &Map<String, Value>,
    case_urgency: Urgency,
    to_office: Option<String>,
    rules: &[DeadlineRule],
) -> TrackRow {
    let mut row = TrackRow::new(REFERRAL, s(r, "id"), office);
    row.parent = Some(s(r, "case_id").to_owned()).filter(|c| !c.is_empty());
    row.status = s(r, "status").to_owned();
    row.urgency = case_urgency.as_str().to_owned();
    row.number = match (r.get("letter_no"), r.get("letter_year")) {
        (Some(Value::Number(n)), Some(Value::Number(y))) => format!("{n}/{y}"),
        _ => String::new(),
    };
    row.started_on = date(s(r, "sent_on"));
    row.facts.to_office = to_office;
    set_referral_due(&mut row, rules);
    row
}

pub fn set_referral_due(row: &mut TrackRow, rules: &[DeadlineRule]) {
    row.due_milestone = None;
    row.due_on = None;
    if row.status == "sent"
        && let Some(sent) = row.started_on
    {
        row.due_milestone = Some(Milestone::ReferralReply.as_str().to_owned());
        row.due_on = Some(deadlines::referral_reply_due(rules, row.urgency(), sent));
    }
}

/// A request's row: late when still waiting for the office's first response.
pub fn request_row(office: &str, q: &Map<String, Value>, rules: &[DeadlineRule]) -> TrackRow {
    let id = s(q, "id");
    let mut row = TrackRow::new(REQUEST, id, office);
    row.number = raksa_domain::help_request::reference(id);
    row.status = s(q, "status").to_owned();
    row.channel = s(q, "channel").to_owned();
    row.urgency = Urgency::parse(s(q, "urgency"))
        .unwrap_or(Urgency::Normal)
        .as_str()
        .to_owned();
    row.parent = Some(s(q, "case_id").to_owned()).filter(|c| !c.is_empty());
    row.started_on = raksa_domain::thai_date::day_of(s(q, "received_at"));
    row.facts.core_issues = list(q, "core_issues");
    row.facts.sensitive = truthy(q.get("sensitive"));
    row.facts.province = s(q, "subdistrict_code").get(..2).map(str::to_owned);
    set_request_due(&mut row, rules);
    row
}

pub fn set_request_due(row: &mut TrackRow, rules: &[DeadlineRule]) {
    row.due_milestone = None;
    row.due_on = None;
    if row.status == "received"
        && let Some(on) = row.started_on
    {
        row.due_milestone = Some(Milestone::RequestResponse.as_str().to_owned());
        row.due_on = Some(deadlines::request_response_due(rules, row.urgency(), on));
    }
}

/// An expedite notice's row: due for an answer by its date while open.
pub fn notice_row(office: &str, n: &Map<String, Value>) -> TrackRow {
    let mut row = TrackRow::new(NOTICE, s(n, "id"), office);
    row.parent = Some(s(n, "target_id").to_owned()).filter(|c| !c.is_empty());
    row.number = s(n, "number").to_owned();
    row.status = s(n, "status").to_owned();
    row.urgency = Urgency::Urgent.as_str().to_owned();
    row.started_on = raksa_domain::thai_date::day_of(s(n, "sent_at"));
    row.facts.step = Some(s(n, "step").to_owned()).filter(|c| !c.is_empty());
    row.facts.target_kind = Some(s(n, "target_kind").to_owned()).filter(|c| !c.is_empty());
    if row.status == "open" {
        row.due_milestone = Some(EXPEDITE.to_owned());
        row.due_on = date(s(n, "respond_by"));
    }
    row
}

/// Recomputes a row's open deadline under (possibly changed) rules.
pub fn redue(row: &mut TrackRow, rules: &[DeadlineRule]) {
    match row.kind.as_str() {
        CASE => set_case_due(row, rules),
        REFERRAL => set_referral_due(row, rules),
        REQUEST => set_request_due(row, rules),
        // a notice's date is HuSEC's, not the office's rules'
        _ => {}
    }
}

fn month(d: NaiveDate) -> String {
    format!("{:04}-{:02}", d.year(), d.month())
}

/// The counters a row adds to, as (office, figure key). The national view is the sum of
/// these over every row; the store keeps the sums, adding a new row's and taking away the
/// old row's as each write is applied.
pub fn contributions(row: &TrackRow) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut add = |k: String| out.push((row.office.clone(), k));
    let channel = if row.channel.is_empty() {
        "unknown"
    } else {
        &row.channel
    };
    match row.kind.as_str() {
        CASE => {
            let Some(status) = CaseStatus::parse(&row.status) else {
                return out;
            };
            if let Some(d) = row.started_on {
                add(format!("cases.received.{}", month(d)));
            }
            if status == CaseStatus::Closed {
                if let Some(c) = row.facts.closed_on {
                    add(format!("closed.{}", month(c)));
                    if let Some(i) = row.started_on {
                        add(format!(
                            "closed_days.{channel}.{}",
                            (c - i).num_days().clamp(0, MAX_DAYS)
                        ));
                    }
                }
            } else {
                add("open".into());
                add(format!("open.channel.{channel}"));
                for g in &row.facts.target_groups {
                    add(format!("open.group.{g}"));
                }
                for d in &row.facts.problem_domains {
                    add(format!("open.domain.{d}"));
                }
            }
            if let (Some(f), Some(i)) = (row.facts.first_contact, row.started_on) {
                add(format!(
                    "contact_days.{channel}.{}",
                    (f - i).num_days().clamp(0, MAX_DAYS)
                ));
            }
        }
        REFERRAL => {
            if row.status == "sent" {
                add("referrals_waiting".into());
            }
            if let Some(to) = &row.facts.to_office {
                out.push((to.clone(), "referrals_in".into()));
            }
        }
        NOTICE => {
            add(if row.status == "open" {
                "notices.open".into()
            } else {
                "notices.answered".into()
            });
        }
        _ => {
            if let Some(d) = row.started_on {
                add(format!("requests.received.{}", month(d)));
            }
            add(format!("requests.channel.{channel}"));
            if row.status == "received" {
                add("requests.open".into());
            }
        }
    }
    out
}

/// The net change of the counters when `old` is replaced by `new`.
pub fn delta(old: Option<&TrackRow>, new: Option<&TrackRow>) -> Vec<(String, String, i64)> {
    let mut net: BTreeMap<(String, String), i64> = BTreeMap::new();
    for k in old.map(contributions).unwrap_or_default() {
        *net.entry(k).or_default() -= 1;
    }
    for k in new.map(contributions).unwrap_or_default() {
        *net.entry(k).or_default() += 1;
    }
    net.into_iter()
        .filter(|(_, n)| *n != 0)
        .map(|((o, k), n)| (o, k, n))
        .collect()
}

/// Median and 90th percentile (nearest rank) of a day histogram.
pub fn percentiles(hist: &BTreeMap<i64, u64>) -> Option<(i64, i64)> {
    let total: u64 = hist.values().sum();
    if total == 0 {
        return None;
    }
    let rank = |p: u64| {
        let want = (total * p).div_ceil(100).max(1);
        let mut seen = 0;
        for (d, n) in hist {
            seen += n;
            if seen >= want {
                return *d;
            }
        }
        *hist.keys().last().expect("non-empty")
    };
    Some((rank(50), rank(90)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn a_case_late_by_its_first_contact_rule_until_a_home_visit() {
        let rules = deadlines::default_rules();
        let c = obj(
            json!({"id": "c1", "case_no": "1/2569", "status": "intake", "channel": "walk_in",
            "urgency": "urgent", "intake_date": "2026-11-01", "target_groups": "[\"children\"]"}),
        );
        let mut row = case_row("พล", &c, None, &rules);
        // urgent first contact: 1 day
        assert_eq!(row.due_milestone.as_deref(), Some("first_contact"));
        assert_eq!(row.due_on, NaiveDate::from_ymd_opt(2026, 11, 2));
        let visit = CaseEventBody::HomeVisit {
            visited_on: NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
            visitors: String::new(),
            living_conditions: String::new(),
            findings: String::new(),
            opinion: String::new(),
        };
        fold_event(&mut row, "2026-11-02T03:00:00Z", &visit, &rules);
        assert_ne!(row.due_milestone.as_deref(), Some("first_contact"));
        // the record's later change keeps the folded facts
        let again = case_row("พล", &c, Some(&row), &rules);
        assert_eq!(again.facts.first_contact, row.facts.first_contact);
    }

    #[test]
    fn replacing_a_row_moves_its_counts() {
        let rules = deadlines::default_rules();
        let open = case_row(
            "พล",
            &obj(
                json!({"id": "c1", "status": "intake", "intake_date": "2026-11-01", "channel": "hotline_1300"}),
            ),
            None,
            &rules,
        );
        let closed = case_row(
            "พล",
            &obj(
                json!({"id": "c1", "status": "closed", "intake_date": "2026-11-01",
                "stage_since": "2026-11-21T02:00:00Z", "channel": "hotline_1300"}),
            ),
            Some(&open),
            &rules,
        );
        let d = delta(Some(&open), Some(&closed));
        assert!(d.contains(&("พล".into(), "open".into(), -1)));
        assert!(d.contains(&("พล".into(), "closed.2026-11".into(), 1)));
        assert!(d.contains(&("พล".into(), "closed_days.hotline_1300.20".into(), 1)));
        assert!(!d.iter().any(|(_, k, _)| k.starts_with("cases.received")));
    }

    #[test]
    fn nearest_rank_percentiles() {
        let h: BTreeMap<i64, u64> = [(1, 5), (2, 4), (10, 1)].into_iter().collect();
        assert_eq!(percentiles(&h), Some((1, 2)));
        let h: BTreeMap<i64, u64> = [(3, 1)].into_iter().collect();
        assert_eq!(percentiles(&h), Some((3, 3)));
        assert_eq!(percentiles(&BTreeMap::new()), None);
    }
}
