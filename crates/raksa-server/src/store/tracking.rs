//! Keeps HuSEC's tracking rows and figures (`crate::tracking`) in step with the records:
//! every record write of the server goes through [`put`], which stores the sealed record
//! and then [`note`]s it, in the same transaction. `rebuild` recomputes everything from
//! the records (for a database from before tracking, and the agreement test).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use raksa_domain::deadlines::{CaseFacts, DeadlineRule};
use raksa_domain::model::Urgency;
use raksa_domain::timeline::CaseEventBody;
use serde::Serialize;
use serde_json::{Map, Value};

use super::sealing::Keyring;
use super::{Result, Tx};
use crate::tracking::{self as t, TrackRow};

/// Stores a record (sealed as `sealed`, whose opened fields are `clear`) and updates the
/// tracking it feeds. The one way the server writes a record.
#[allow(clippy::too_many_arguments)]
pub(super) fn put<T: Tx>(
    tx: &mut T,
    keys: &Keyring,
    entity: &str,
    key: &str,
    record_id: &str,
    office: &str,
    clear: &Map<String, Value>,
    sealed: &str,
    position: u64,
    now: &str,
) -> Result<()> {
    put_echo(
        tx, keys, entity, key, record_id, office, clear, sealed, position, now, None,
    )
}

/// [`put`] for a device's change stored exactly as the device sent it: `echo` names the
/// device, which already has this version and is not sent it back.
#[allow(clippy::too_many_arguments)]
pub(super) fn put_echo<T: Tx>(
    tx: &mut T,
    keys: &Keyring,
    entity: &str,
    key: &str,
    record_id: &str,
    office: &str,
    clear: &Map<String, Value>,
    sealed: &str,
    position: u64,
    now: &str,
    echo: Option<&str>,
) -> Result<()> {
    tx.put_record(entity, key, record_id, office, sealed, position, now, echo)?;
    note(tx, keys, entity, key, office, clear)
}

fn rules<T: Tx>(tx: &mut T, keys: &Keyring, office: &str) -> Result<Vec<DeadlineRule>> {
    let mut rows = Vec::new();
    for json in tx.office_records("deadline_rules", office)? {
        rows.push(keys.open_json(tx, office, "deadline_rules", &json)?);
    }
    Ok(t::office_rules(&rows))
}

fn replace<T: Tx>(tx: &mut T, old: Option<&TrackRow>, new: &TrackRow) -> Result<()> {
    if old == Some(new) {
        return Ok(());
    }
    let d = t::delta(old, Some(new));
    if !d.is_empty() {
        tx.bump_figures(&d)?;
    }
    tx.put_track(new)
}

/// Updates the tracking after a record of `entity` was written with fields `f`.
pub(super) fn note<T: Tx>(
    tx: &mut T,
    keys: &Keyring,
    entity: &str,
    key: &str,
    office: &str,
    f: &Map<String, Value>,
) -> Result<()> {
    match entity {
        "cases" => {
            let id = t::s(f, "id");
            let prev = tx.track(t::CASE, id)?;
            let r = rules(tx, keys, office)?;
            let row = t::case_row(office, f, prev.as_ref(), &r);
            replace(tx, prev.as_ref(), &row)?;
            // its referrals' reply deadlines follow the case's urgency
            for old in tx.track_children(t::REFERRAL, id)? {
                let mut new = old.clone();
                new.urgency = row.urgency.clone();
                t::redue(&mut new, &r);
                replace(tx, Some(&old), &new)?;
            }
        }
        "case_events" => {
            if !CaseFacts::KINDS.contains(&t::s(f, "kind")) {
                return Ok(());
            }
            let Ok(body) = serde_json::from_str::<CaseEventBody>(t::s(f, "body")) else {
                return Ok(());
            };
            let case_id = t::s(f, "case_id");
            let prev = tx.track(t::CASE, case_id)?;
            let mut row = prev
                .clone()
                .unwrap_or_else(|| TrackRow::placeholder(case_id, office));
            let r = rules(tx, keys, office)?;
            t::fold_event(&mut row, t::s(f, "at"), &body, &r);
            replace(tx, prev.as_ref(), &row)?;
        }
        "referrals" => {
            let prev = tx.track(t::REFERRAL, t::s(f, "id"))?;
            let urgency = match tx.track(t::CASE, t::s(f, "case_id"))? {
                Some(c) => c.urgency(),
                None => Urgency::Normal,
            };
            let to = tx.visible_to("referrals", key)?.into_iter().next();
            let r = rules(tx, keys, office)?;
            let row = t::referral_row(office, f, urgency, to, &r);
            replace(tx, prev.as_ref(), &row)?;
        }
        "help_requests" => {
            let prev = tx.track(t::REQUEST, t::s(f, "id"))?;
            let r = rules(tx, keys, office)?;
            let row = t::request_row(office, f, &r);
            replace(tx, prev.as_ref(), &row)?;
        }
        "expedite_notices" => {
            let prev = tx.track(t::NOTICE, t::s(f, "id"))?;
            replace(tx, prev.as_ref(), &t::notice_row(office, f))?;
        }
        "deadline_rules" => {
            let r = rules(tx, keys, office)?;
            for old in tx.track_office(office)? {
                let mut new = old.clone();
                t::redue(&mut new, &r);
                replace(tx, Some(&old), &new)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// Recomputes every row and figure from the records, in a fixed order.
pub(super) fn rebuild<T: Tx>(tx: &mut T, keys: &Keyring) -> Result<usize> {
    tx.clear_tracking()?;
    let mut n = 0;
    for entity in [
        "cases",
        "case_events",
        "referrals",
        "help_requests",
        "expedite_notices",
    ] {
        for (office, key, json) in tx.all_records_keyed(entity)? {
            let f = keys.open_json(tx, &office, entity, &json)?;
            note(tx, keys, entity, &key, &office, &f)?;
            n += 1;
        }
    }
    tx.set_tracking_built()?;
    Ok(n)
}

/// Builds the tracking once for a database that predates it.
pub(super) fn ensure_built<T: Tx>(tx: &mut T, keys: &Keyring) -> Result<()> {
    if !tx.tracking_built()? {
        rebuild(tx, keys)?;
    }
    Ok(())
}

// ---- the late list ------------------------------------------------------------------

/// How the late list is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LateSort {
    /// Most days late first.
    #[default]
    DaysLate,
    Office,
    Urgency,
    Received,
}

impl LateSort {
    pub fn parse(s: &str) -> Option<LateSort> {
        Some(match s {
            "days_late" => LateSort::DaysLate,
            "office" => LateSort::Office,
            "urgency" => LateSort::Urgency,
            "received" => LateSort::Received,
            _ => return None,
        })
    }
    pub fn as_str(self) -> &'static str {
        match self {
            LateSort::DaysLate => "days_late",
            LateSort::Office => "office",
            LateSort::Urgency => "urgency",
            LateSort::Received => "received",
        }
    }
    pub(super) fn order_by(self) -> &'static str {
        match self {
            LateSort::DaysLate => "due_on, kind, id",
            LateSort::Office => "office, due_on, kind, id",
            LateSort::Urgency => {
                "CASE urgency WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 ELSE 2 END, due_on, kind, id"
            }
            LateSort::Received => "started_on, kind, id",
        }
    }
}

/// A query of the late list. Empty strings mean "any".
#[derive(Debug, Clone)]
pub struct LateQuery {
    pub today: NaiveDate,
    /// The offices the list may show (`None`: every office and the national queue).
    pub offices: Option<Vec<String>>,
    pub kind: String,
    pub channel: String,
    pub milestone: String,
    /// Only items at least this many days late (1 = every late item).
    pub min_days_late: u32,
    /// `yes`, `no` or empty.
    pub assigned: String,
    pub sort: LateSort,
    pub limit: u32,
    pub offset: u32,
}

/// The separator of the office list passed to the late query as one parameter.
pub const OFFICE_SEP: char = '\u{1f}';

impl LateQuery {
    /// The first day that is *not* late enough: items due before it are listed.
    pub fn cutoff(&self) -> String {
        let back = i64::from(self.min_days_late.max(1)) - 1;
        (self.today - chrono::Duration::days(back)).to_string()
    }
    pub fn office_list(&self) -> String {
        self.offices
            .as_ref()
            .map(|o| o.join(&OFFICE_SEP.to_string()))
            .unwrap_or_default()
    }
}

/// One page of the late list and how many items match in all.
pub(super) fn op_late<T: Tx>(tx: &mut T, q: &LateQuery) -> Result<(Vec<TrackRow>, u64)> {
    if q.offices.as_ref().is_some_and(Vec::is_empty) {
        return Ok((Vec::new(), 0));
    }
    tx.late_rows(q)
}

// ---- the national figures -----------------------------------------------------------

/// One province's received → first contact and received → closed times for one channel.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TimeFigures {
    pub province: String,
    pub channel: String,
    pub contacted: u64,
    pub contact_median_days: Option<i64>,
    pub contact_p90_days: Option<i64>,
    pub closed: u64,
    pub closed_median_days: Option<i64>,
    pub closed_p90_days: Option<i64>,
}

/// One month of the trend.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct MonthFigures {
    /// `YYYY-MM`.
    pub month: String,
    pub cases_received: u64,
    pub cases_closed: u64,
    pub requests_received: u64,
}

/// The counters of every office (or those given), and the late counts on `today`.
pub(super) fn op_counters<T: Tx>(tx: &mut T, keys: &Keyring, today: NaiveDate) -> Result<Counters> {
    ensure_built(tx, keys)?;
    Ok(Counters {
        figures: tx.figures()?,
        late: tx.late_counts(&today.to_string())?,
    })
}

/// What the national view is computed from: (office, key, n) counters and (office, kind,
/// n) late counts.
pub struct Counters {
    pub figures: Vec<(String, String, i64)>,
    pub late: Vec<(String, String, i64)>,
}

impl Counters {
    /// Keeps the offices in `scope` only.
    pub fn within(mut self, scope: &BTreeSet<String>) -> Counters {
        self.figures.retain(|(o, _, _)| scope.contains(o));
        self.late.retain(|(o, _, _)| scope.contains(o));
        self
    }

    /// Time figures per province and channel (`province_of` maps an office to its
    /// province; offices without one are counted under "").
    pub fn times(&self, province_of: &BTreeMap<String, String>) -> Vec<TimeFigures> {
        type Hist = BTreeMap<i64, u64>;
        let mut h: BTreeMap<(String, String), (Hist, Hist)> = BTreeMap::new();
        for (office, key, n) in &self.figures {
            let (which, rest) = if let Some(r) = key.strip_prefix("contact_days.") {
                (0, r)
            } else if let Some(r) = key.strip_prefix("closed_days.") {
                (1, r)
            } else {
                continue;
            };
            let Some((channel, days)) = rest.rsplit_once('.') else {
                continue;
            };
            let (Ok(days), Ok(n)) = (days.parse::<i64>(), u64::try_from(*n)) else {
                continue;
            };
            let p = province_of.get(office).cloned().unwrap_or_default();
            let e = h.entry((p, channel.to_owned())).or_default();
            let hist = if which == 0 { &mut e.0 } else { &mut e.1 };
            *hist.entry(days).or_default() += n;
        }
        h.into_iter()
            .map(|((province, channel), (c, d))| {
                let (cm, cp) = t::percentiles(&c).unzip();
                let (dm, dp) = t::percentiles(&d).unzip();
                TimeFigures {
                    province,
                    channel,
                    contacted: c.values().sum(),
                    contact_median_days: cm,
                    contact_p90_days: cp,
                    closed: d.values().sum(),
                    closed_median_days: dm,
                    closed_p90_days: dp,
                }
            })
            .collect()
    }

    /// The last `n` months up to `today`'s, oldest first.
    pub fn months(&self, today: NaiveDate, n: u32) -> Vec<MonthFigures> {
        let mut out = Vec::new();
        let (mut y, mut m) = (today.year(), today.month());
        for _ in 0..n {
            out.push(format!("{y:04}-{m:02}"));
            if m == 1 {
                y -= 1;
                m = 12;
            } else {
                m -= 1;
            }
        }
        out.reverse();
        let sum = |prefix: &str, month: &str| -> u64 {
            let key = format!("{prefix}{month}");
            self.figures
                .iter()
                .filter(|(_, k, _)| *k == key)
                .map(|(_, _, n)| u64::try_from(*n).unwrap_or(0))
                .sum()
        };
        out.into_iter()
            .map(|month| MonthFigures {
                cases_received: sum("cases.received.", &month),
                cases_closed: sum("closed.", &month),
                requests_received: sum("requests.received.", &month),
                month,
            })
            .collect()
    }
}
