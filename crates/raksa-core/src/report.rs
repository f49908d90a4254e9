//! What the office's data shows: the supervisor's dashboard (open cases by status, target
//! group, problem domain, urgency and area; overdue; referrals waiting; cases opened and
//! closed per month), the list behind any of its numbers, and reports for the fiscal year
//! or a date range as .xlsx and CSV. Reports carry case numbers, never names or IDs:
//! the number is enough to find the case in Raksa, and a spreadsheet travels further than
//! it should.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::deadlines::DueState;
use crate::error::{CoreError, FieldProblem, Result};
use crate::model::{
    CaseStatus, CaseSummary, IntakeChannel, ProblemDomain, Role, TargetGroup, Urgency,
};
use crate::session::Session;
use crate::table::{self, Sheet, Value};
use crate::thai_date;

const SUPERVISORS: &[Role] = &[Role::Supervisor, Role::Admin];

/// One bar of a chart / one line of a breakdown.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Tally {
    /// The value to filter by (e.g. `elderly`, `6501`, `none`).
    pub key: String,
    pub label_th: String,
    pub count: u32,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct MonthFlow {
    /// `2026-11`
    pub month: String,
    /// `พ.ย. 69`
    pub label_th: String,
    pub opened: u32,
    pub closed: u32,
}

/// A district or one of its sub-districts in the area table.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AreaRow {
    /// 4-digit district or 6-digit sub-district code; `none` = no address recorded.
    pub code: String,
    pub name_th: String,
    pub is_district: bool,
    pub open: u32,
    pub urgent: u32,
    pub overdue: u32,
    pub closed_this_fiscal_year: u32,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Dashboard {
    #[ts(type = "string")]
    pub today: NaiveDate,
    /// Buddhist-Era fiscal year containing today (1 Oct – 30 Sep).
    pub fiscal_year: i32,
    pub open_cases: u32,
    pub overdue_cases: u32,
    pub referrals_waiting: u32,
    pub referrals_overdue: u32,
    pub opened_this_fiscal_year: u32,
    pub closed_this_fiscal_year: u32,
    pub by_status: Vec<Tally>,
    pub by_target_group: Vec<Tally>,
    pub by_problem_domain: Vec<Tally>,
    pub by_urgency: Vec<Tally>,
    pub by_district: Vec<Tally>,
    pub months: Vec<MonthFlow>,
    pub areas: Vec<AreaRow>,
}

/// Which cases a number of the dashboard stands for. Empty = every open case.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CaseFilter {
    #[serde(default)]
    pub status: Option<CaseStatus>,
    #[serde(default)]
    pub target_group: Option<TargetGroup>,
    #[serde(default)]
    pub problem_domain: Option<ProblemDomain>,
    #[serde(default)]
    pub urgency: Option<Urgency>,
    /// District (4 digits) or sub-district (6) code, or `none`.
    #[serde(default)]
    pub area: Option<String>,
    #[serde(default)]
    pub overdue: bool,
    /// Cases received in this month (`2026-11`), open or closed.
    #[serde(default)]
    pub opened_in: Option<String>,
    /// Cases closed in this month.
    #[serde(default)]
    pub closed_in: Option<String>,
}

/// A report for a period, as tables (the same ones the .xlsx holds).
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ReportView {
    pub title: String,
    pub sheets: Vec<ReportSheet>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ReportSheet {
    pub name: String,
    pub title: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// The facts of one case the figures are made of.
struct Fact {
    id: Uuid,
    case_no: String,
    status: CaseStatus,
    urgency: Urgency,
    channel: IntakeChannel,
    targets: Vec<TargetGroup>,
    domains: Vec<ProblemDomain>,
    intake: NaiveDate,
    closed_on: Option<NaiveDate>,
    subdistrict: Option<String>,
    assigned: String,
}

/// 1 October of the year before to 30 September: the Thai government fiscal year.
pub fn fiscal_year_range(be_year: i32) -> (NaiveDate, NaiveDate) {
    let y = be_year - 543;
    (
        NaiveDate::from_ymd_opt(y - 1, 10, 1).expect("valid"),
        NaiveDate::from_ymd_opt(y, 9, 30).expect("valid"),
    )
}

pub fn fiscal_year_of(d: NaiveDate) -> i32 {
    thai_date::be_year(d) + i32::from(d.month() >= 10)
}

fn month_key(d: NaiveDate) -> String {
    format!("{:04}-{:02}", d.year(), d.month())
}

fn month_label(y: i32, m: u32) -> String {
    format!(
        "{} {:02}",
        thai_date::MONTHS_TH_SHORT[(m - 1) as usize],
        (y + 543) % 100
    )
}

fn district_of(sub: &Option<String>) -> String {
    sub.as_deref()
        .and_then(|s| s.get(..4))
        .map(str::to_owned)
        .unwrap_or_else(|| "none".into())
}

fn place_name(code: &str) -> String {
    if code == "none" {
        return "ไม่ระบุที่อยู่".into();
    }
    let places = crate::places::places();
    places
        .get(code)
        .map(|p| p.name_th.clone())
        .unwrap_or_else(|| code.to_owned())
}

fn tallies<K: Ord + Copy>(
    counts: BTreeMap<K, u32>,
    key: impl Fn(K) -> String,
    label: impl Fn(K) -> String,
) -> Vec<Tally> {
    counts
        .into_iter()
        .map(|(k, count)| Tally {
            key: key(k),
            label_th: label(k),
            count,
        })
        .collect()
}

impl Session {
    fn case_facts(&self) -> Result<Vec<Fact>> {
        let mut stmt = self.conn().prepare(
            "SELECT c.id, c.case_no, c.status, c.urgency, c.channel, c.target_groups,
                    c.problem_domains, c.intake_date, c.stage_since, p.subdistrict_code,
                    coalesce(u.full_name, '')
             FROM cases c JOIN people p ON p.id = c.person_id
             LEFT JOIN users u ON u.id = c.assigned_to",
        )?;
        let date = |s: Option<String>| {
            s.and_then(|s| NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok())
        };
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, Option<String>>(8)?,
                r.get::<_, Option<String>>(9)?,
                r.get::<_, String>(10)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, case_no, status, urgency, channel, tg, pd, intake, since, sub, assigned) =
                row?;
            let status = CaseStatus::parse(&status).unwrap_or(CaseStatus::Intake);
            let Some(intake) = date(Some(intake)) else {
                continue;
            };
            out.push(Fact {
                id: Uuid::parse_str(&id).map_err(|_| CoreError::Corrupt("case id".into()))?,
                case_no,
                status,
                urgency: Urgency::parse(&urgency).unwrap_or(Urgency::Normal),
                channel: IntakeChannel::parse(&channel).unwrap_or(IntakeChannel::WalkIn),
                targets: serde_json::from_str(&tg).unwrap_or_default(),
                domains: serde_json::from_str(&pd).unwrap_or_default(),
                intake,
                closed_on: if status == CaseStatus::Closed {
                    date(since).or(Some(intake))
                } else {
                    None
                },
                subdistrict: sub,
                assigned,
            });
        }
        Ok(out)
    }

    /// Cases with at least one overdue deadline, and referrals past their reply date.
    /// The open cases that are late (a case deadline from the kept due dates, or a
    /// referral's) and the number of late referrals.
    fn overdue_sets(&self) -> Result<(HashSet<Uuid>, u32)> {
        let mut cases = self.late_case_ids(self.today())?;
        let mut referrals = 0;
        for i in self
            .referral_due_items(false)?
            .iter()
            .filter(|i| i.state == DueState::Overdue)
        {
            cases.insert(i.case_id);
            referrals += 1;
        }
        Ok((cases, referrals))
    }

    /// The office dashboard (supervisors and administrators).
    pub fn dashboard(&self) -> Result<Dashboard> {
        self.require(SUPERVISORS)?;
        let today = self.today();
        let facts = self.case_facts()?;
        let (overdue, referrals_overdue) = self.overdue_sets()?;
        let fy = fiscal_year_of(today);
        let (fy_from, fy_to) = fiscal_year_range(fy);
        let in_fy = |d: NaiveDate| d >= fy_from && d <= fy_to;

        let mut by_status = BTreeMap::new();
        let mut by_target = BTreeMap::new();
        let mut by_domain = BTreeMap::new();
        let mut by_urgency = BTreeMap::new();
        let mut by_district: HashMap<String, u32> = HashMap::new();
        let mut areas: BTreeMap<String, AreaRow> = BTreeMap::new();
        let mut open = 0;
        for f in &facts {
            let district = district_of(&f.subdistrict);
            let keys: Vec<String> = match &f.subdistrict {
                Some(s) if s.len() == 6 => vec![district.clone(), s.clone()],
                _ => vec![district.clone()],
            };
            for k in &keys {
                let row = areas.entry(k.clone()).or_insert_with(|| AreaRow {
                    code: k.clone(),
                    name_th: place_name(k),
                    is_district: k.len() != 6,
                    open: 0,
                    urgent: 0,
                    overdue: 0,
                    closed_this_fiscal_year: 0,
                });
                if f.status != CaseStatus::Closed {
                    row.open += 1;
                    row.urgent += u32::from(f.urgency == Urgency::Urgent);
                    row.overdue += u32::from(overdue.contains(&f.id));
                }
                row.closed_this_fiscal_year += u32::from(f.closed_on.is_some_and(in_fy));
            }
            if f.status == CaseStatus::Closed {
                continue;
            }
            open += 1;
            *by_status.entry(f.status).or_insert(0) += 1;
            *by_urgency.entry(f.urgency).or_insert(0) += 1;
            for t in &f.targets {
                *by_target.entry(*t).or_insert(0) += 1;
            }
            for d in &f.domains {
                *by_domain.entry(*d).or_insert(0) += 1;
            }
            *by_district.entry(district).or_insert(0) += 1;
        }
        let mut by_district: Vec<Tally> = by_district
            .into_iter()
            .map(|(k, count)| Tally {
                label_th: place_name(&k),
                key: k,
                count,
            })
            .collect();
        by_district.sort_by(|a, b| b.count.cmp(&a.count).then(a.key.cmp(&b.key)));

        // The last twelve months, this one included.
        let mut months = Vec::new();
        let (mut y, mut m) = (today.year(), today.month());
        for _ in 0..12 {
            months.push((y, m));
            if m == 1 {
                y -= 1;
                m = 12;
            } else {
                m -= 1;
            }
        }
        months.reverse();
        // one pass over the cases, counted by (year, month)
        let mut flow: HashMap<(i32, u32), (u32, u32)> =
            months.iter().map(|ym| (*ym, (0, 0))).collect();
        for f in &facts {
            if let Some(c) = flow.get_mut(&(f.intake.year(), f.intake.month())) {
                c.0 += 1;
            }
            if let Some(d) = f.closed_on
                && let Some(c) = flow.get_mut(&(d.year(), d.month()))
            {
                c.1 += 1;
            }
        }
        let months = months
            .into_iter()
            .map(|(y, m)| MonthFlow {
                opened: flow[&(y, m)].0,
                closed: flow[&(y, m)].1,
                label_th: month_label(y, m),
                month: format!("{y:04}-{m:02}"),
            })
            .collect();

        let referrals_waiting: u32 = self.conn().query_row(
            "SELECT count(*) FROM referrals WHERE status = 'sent'",
            [],
            |r| r.get(0),
        )?;
        self.audit(
            crate::audit::Access::Read,
            "dashboard",
            None,
            "office dashboard",
        )?;
        Ok(Dashboard {
            today,
            fiscal_year: fy,
            open_cases: open,
            overdue_cases: facts
                .iter()
                .filter(|f| f.status != CaseStatus::Closed && overdue.contains(&f.id))
                .count() as u32,
            referrals_waiting,
            referrals_overdue,
            opened_this_fiscal_year: facts.iter().filter(|f| in_fy(f.intake)).count() as u32,
            closed_this_fiscal_year: facts
                .iter()
                .filter(|f| f.closed_on.is_some_and(in_fy))
                .count() as u32,
            by_status: tallies(by_status, |k| k.as_str().into(), |k| k.label_th().into()),
            by_target_group: tallies(by_target, |k| k.as_str().into(), |k| k.label_th().into()),
            by_problem_domain: tallies(by_domain, |k| k.as_str().into(), |k| k.label_th().into()),
            by_urgency: tallies(by_urgency, |k| k.as_str().into(), |k| k.label_th().into()),
            by_district,
            months,
            areas: areas.into_values().collect(),
        })
    }

    /// The cases behind a number of the dashboard (at most 500, newest first).
    pub fn dashboard_cases(&self, filter: &CaseFilter) -> Result<Vec<CaseSummary>> {
        self.require(SUPERVISORS)?;
        let facts = self.case_facts()?;
        let overdue = if filter.overdue {
            self.overdue_sets()?.0
        } else {
            HashSet::new()
        };
        let by_month = filter.opened_in.is_some() || filter.closed_in.is_some();
        let ids: Vec<String> = facts
            .iter()
            .filter(|f| by_month || f.status != CaseStatus::Closed)
            .filter(|f| filter.status.is_none_or(|s| f.status == s))
            .filter(|f| filter.urgency.is_none_or(|u| f.urgency == u))
            .filter(|f| filter.target_group.is_none_or(|t| f.targets.contains(&t)))
            .filter(|f| filter.problem_domain.is_none_or(|d| f.domains.contains(&d)))
            .filter(|f| {
                filter.area.as_deref().is_none_or(|a| match a {
                    "none" => f.subdistrict.is_none(),
                    a => f.subdistrict.as_deref().is_some_and(|s| s.starts_with(a)),
                })
            })
            .filter(|f| !filter.overdue || overdue.contains(&f.id))
            .filter(|f| {
                filter
                    .opened_in
                    .as_deref()
                    .is_none_or(|m| month_key(f.intake) == m)
            })
            .filter(|f| {
                filter
                    .closed_in
                    .as_deref()
                    .is_none_or(|m| f.closed_on.map(month_key).as_deref() == Some(m))
            })
            .map(|f| f.id.to_string())
            .take(500)
            .collect();
        self.audit(
            crate::audit::Access::Search,
            "case",
            None,
            &format!("dashboard list: {} case(s)", ids.len()),
        )?;
        if ids.is_empty() {
            return Ok(vec![]);
        }
        let list = serde_json::to_string(&ids).expect("serialisable");
        self.query_cases(
            "WHERE c.id IN (SELECT value FROM json_each(?1))",
            &[&list],
            500,
        )
    }

    /// The report for a period as tables: summary, cases, areas, months.
    pub fn period_report(&self, from: NaiveDate, to: NaiveDate) -> Result<ReportView> {
        let sheets = self.report_sheets(from, to)?;
        self.audit(
            crate::audit::Access::Read,
            "report",
            None,
            &format!("period report {from} – {to}"),
        )?;
        Ok(ReportView {
            title: report_title(&self.office().name, from, to),
            sheets: sheets
                .into_iter()
                .map(|s| ReportSheet {
                    name: s.name,
                    title: s.title,
                    header: s.header,
                    rows: s
                        .rows
                        .into_iter()
                        .map(|r| {
                            r.into_iter()
                                .map(|v| match v {
                                    Value::Text(t) => t,
                                    Value::Number(n) => format!("{n}"),
                                })
                                .collect()
                        })
                        .collect(),
                })
                .collect(),
        })
    }

    /// The period report as an .xlsx workbook (audited as an export).
    pub fn period_report_xlsx(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<u8>> {
        let sheets = self.report_sheets(from, to)?;
        let bytes = table::to_xlsx(&sheets).map_err(|e| CoreError::Corrupt(e.to_string()))?;
        self.audit(
            crate::audit::Access::Export,
            "report",
            None,
            &format!("period report {from} – {to} as xlsx"),
        )?;
        Ok(bytes)
    }

    /// The period's case list as CSV (UTF-8 with BOM), audited as an export.
    pub fn period_report_csv(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<u8>> {
        let sheets = self.report_sheets(from, to)?;
        self.audit(
            crate::audit::Access::Export,
            "report",
            None,
            &format!("period report {from} – {to} as csv"),
        )?;
        Ok(table::to_csv(&sheets[1]))
    }

    /// The report's tables, for supervisors and a period that ends after it starts.
    fn report_sheets(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<Sheet>> {
        self.require(SUPERVISORS)?;
        if to < from {
            return Err(CoreError::field("to", FieldProblem::DateBeforeStart));
        }
        let facts = self.case_facts()?;
        let in_range = |d: NaiveDate| d >= from && d <= to;
        let received: Vec<&Fact> = facts.iter().filter(|f| in_range(f.intake)).collect();
        let closed = facts
            .iter()
            .filter(|f| f.closed_on.is_some_and(in_range))
            .count();
        let period = format!(
            "{} ถึง {}",
            thai_date::format_be_long(from),
            thai_date::format_be_long(to)
        );

        // Summary
        let mut rows: Vec<Vec<Value>> = vec![
            vec!["รับเรื่องใหม่ในช่วงนี้".into(), (received.len() as u32).into()],
            vec!["ปิดกรณีในช่วงนี้".into(), (closed as u32).into()],
            vec![
                "ยังดำเนินการอยู่ (ณ วันที่พิมพ์รายงาน)".into(),
                (facts
                    .iter()
                    .filter(|f| f.status != CaseStatus::Closed)
                    .count() as u32)
                    .into(),
            ],
        ];
        let mut section = |title: &str, items: Vec<(String, u32)>| {
            rows.push(vec![]);
            rows.push(vec![title.into()]);
            for (label, n) in items {
                rows.push(vec![format!("  {label}").into(), n.into()]);
            }
        };
        let count_by = |f: &dyn Fn(&Fact) -> Vec<String>| {
            let mut m: BTreeMap<String, u32> = BTreeMap::new();
            for x in &received {
                for k in f(x) {
                    *m.entry(k).or_insert(0) += 1;
                }
            }
            m.into_iter().collect::<Vec<_>>()
        };
        section(
            "เรื่องที่รับ จำแนกตามช่องทาง",
            count_by(&|f| vec![f.channel.label_th().into()]),
        );
        section(
            "เรื่องที่รับ จำแนกตามกลุ่มเป้าหมาย",
            count_by(&|f| f.targets.iter().map(|t| t.label_th().into()).collect()),
        );
        section(
            "เรื่องที่รับ จำแนกตามประเด็นปัญหา",
            count_by(&|f| f.domains.iter().map(|t| t.label_th().into()).collect()),
        );
        section(
            "เรื่องที่รับ จำแนกตามความเร่งด่วน",
            count_by(&|f| vec![f.urgency.label_th().into()]),
        );
        section(
            "เรื่องที่รับ จำแนกตามสถานะปัจจุบัน",
            count_by(&|f| vec![f.status.label_th().into()]),
        );
        let referrals = self.referral_counts(from, to)?;
        section("หนังสือส่งต่อที่ส่งในช่วงนี้ จำแนกตามสถานะ", referrals);
        let summary = Sheet {
            name: "สรุป".into(),
            title: format!("สรุปผลการดำเนินงาน {period}"),
            header: vec!["รายการ".into(), "จำนวน".into()],
            rows,
        };

        // Cases (received in the period, or closed in it)
        let places = crate::places::places();
        let mut list: Vec<&Fact> = facts
            .iter()
            .filter(|f| in_range(f.intake) || f.closed_on.is_some_and(in_range))
            .collect();
        list.sort_by(|a, b| a.intake.cmp(&b.intake).then(a.case_no.cmp(&b.case_no)));
        let cases = Sheet {
            name: "รายกรณี".into(),
            title: format!("รายการกรณี {period} (ไม่แสดงชื่อและเลขประจำตัว — ค้นด้วยเลขที่กรณีในระบบ)"),
            header: [
                "เลขที่กรณี",
                "วันที่รับเรื่อง",
                "ช่องทาง",
                "ความเร่งด่วน",
                "กลุ่มเป้าหมาย",
                "ประเด็นปัญหา",
                "สถานะ",
                "วันที่ปิดกรณี",
                "อำเภอ/เขต",
                "ตำบล/แขวง",
                "ผู้รับผิดชอบ",
            ]
            .map(String::from)
            .to_vec(),
            rows: list
                .iter()
                .map(|f| {
                    let sub = f.subdistrict.as_deref().and_then(|c| places.get(c));
                    let dis = f
                        .subdistrict
                        .as_deref()
                        .and_then(|c| c.get(..4))
                        .and_then(|c| places.get(c));
                    vec![
                        f.case_no.clone().into(),
                        thai_date::format_be_short(f.intake).into(),
                        f.channel.label_th().into(),
                        f.urgency.label_th().into(),
                        f.targets
                            .iter()
                            .map(|t| t.label_th())
                            .collect::<Vec<_>>()
                            .join(", ")
                            .into(),
                        f.domains
                            .iter()
                            .map(|t| t.label_th())
                            .collect::<Vec<_>>()
                            .join(", ")
                            .into(),
                        f.status.label_th().into(),
                        f.closed_on
                            .map(thai_date::format_be_short)
                            .unwrap_or_default()
                            .into(),
                        dis.map(|p| p.name_th.clone()).unwrap_or_default().into(),
                        sub.map(|p| p.name_th.clone()).unwrap_or_default().into(),
                        f.assigned.clone().into(),
                    ]
                })
                .collect(),
        };

        // Areas
        let mut areas: BTreeMap<String, (u32, u32, u32)> = BTreeMap::new();
        for f in &facts {
            let mut keys = vec![district_of(&f.subdistrict)];
            if let Some(s) = f.subdistrict.as_ref().filter(|s| s.len() == 6) {
                keys.push(s.clone());
            }
            for k in keys {
                let e = areas.entry(k).or_default();
                e.0 += u32::from(in_range(f.intake));
                e.1 += u32::from(f.closed_on.is_some_and(in_range));
                e.2 += u32::from(f.status != CaseStatus::Closed);
            }
        }
        let areas = Sheet {
            name: "พื้นที่".into(),
            title: format!("จำนวนกรณีรายอำเภอ/ตำบล {period}"),
            header: [
                "อำเภอ/เขต",
                "ตำบล/แขวง",
                "รับเรื่องใหม่",
                "ปิดกรณี",
                "ยังดำเนินการอยู่",
            ]
            .map(String::from)
            .to_vec(),
            rows: areas
                .into_iter()
                .filter(|(_, (a, b, c))| a + b + c > 0)
                .map(|(k, (a, b, c))| {
                    let (d, s) = if k.len() == 6 {
                        (String::new(), place_name(&k))
                    } else {
                        (place_name(&k), String::new())
                    };
                    vec![d.into(), s.into(), a.into(), b.into(), c.into()]
                })
                .collect(),
        };

        // Months of the period
        let mut months = Vec::new();
        let (mut y, mut m) = (from.year(), from.month());
        while (y, m) <= (to.year(), to.month()) && months.len() < 120 {
            let key = format!("{y:04}-{m:02}");
            months.push(vec![
                month_label(y, m).into(),
                (received
                    .iter()
                    .filter(|f| month_key(f.intake) == key)
                    .count() as u32)
                    .into(),
                (facts
                    .iter()
                    .filter(|f| {
                        f.closed_on
                            .filter(|d| in_range(*d))
                            .map(month_key)
                            .as_deref()
                            == Some(&key)
                    })
                    .count() as u32)
                    .into(),
            ]);
            if m == 12 {
                y += 1;
                m = 1;
            } else {
                m += 1;
            }
        }
        let months = Sheet {
            name: "รายเดือน".into(),
            title: format!("รับเรื่องและปิดกรณีรายเดือน {period}"),
            header: ["เดือน", "รับเรื่องใหม่", "ปิดกรณี"].map(String::from).to_vec(),
            rows: months,
        };
        Ok(vec![summary, cases, areas, months])
    }

    fn referral_counts(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<(String, u32)>> {
        let mut stmt = self.conn().prepare(
            "SELECT status, count(*) FROM referrals
             WHERE sent_on BETWEEN ?1 AND ?2 GROUP BY status ORDER BY status",
        )?;
        let rows = stmt.query_map(
            [
                from.format("%Y-%m-%d").to_string(),
                to.format("%Y-%m-%d").to_string(),
            ],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?)),
        )?;
        let mut out = Vec::new();
        for row in rows {
            let (s, n) = row?;
            let label = crate::model::ReferralStatus::parse(&s)
                .map(|s| s.label_th().to_owned())
                .unwrap_or(s);
            out.push((label, n));
        }
        Ok(out)
    }
}

fn report_title(office: &str, from: NaiveDate, to: NaiveDate) -> String {
    let (fy_from, fy_to) = fiscal_year_range(fiscal_year_of(from));
    if from == fy_from && to == fy_to {
        format!(
            "รายงานผลการดำเนินงาน ปีงบประมาณ พ.ศ. {} — {office}",
            fiscal_year_of(from)
        )
    } else {
        format!(
            "รายงานผลการดำเนินงาน {} ถึง {} — {office}",
            thai_date::format_be_long(from),
            thai_date::format_be_long(to)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_thai_fiscal_year_starts_in_october() {
        assert_eq!(
            fiscal_year_range(2570),
            (
                NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
                NaiveDate::from_ymd_opt(2027, 9, 30).unwrap()
            )
        );
        assert_eq!(
            fiscal_year_of(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()),
            2570
        );
        assert_eq!(
            fiscal_year_of(NaiveDate::from_ymd_opt(2026, 9, 30).unwrap()),
            2569
        );
        assert_eq!(month_label(2026, 11), "พ.ย. 69");
    }
}
