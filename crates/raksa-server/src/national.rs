//! The national view for ศรส./HuSEC staff: per office (province) the open cases, those
//! overdue by the office's own deadline rules as uploaded (the same computation as the
//! office's "my work", from raksa-core), cases closed this month, and referrals waiting
//! for a reply — with open cases broken down by target group and problem domain. As JSON
//! and as a plain, fast, server-rendered Thai page.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use raksa_domain::deadlines::{self, CaseFacts, DeadlineRule, Milestone};
use raksa_domain::model::{CaseStatus, ProblemDomain, TargetGroup, Urgency};
use raksa_domain::timeline::CaseEventBody;
use serde::Serialize;
use serde_json::{Map, Value};

pub use crate::store::tracking::{Counters, MonthFigures, TimeFigures};
use crate::tracking::{date, s};

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct OfficeFigures {
    pub office: String,
    pub name: String,
    pub open: u32,
    pub overdue: u32,
    pub closed_this_month: u32,
    pub referrals_waiting: u32,
    pub referrals_overdue: u32,
    /// Referrals other offices running Raksa sent to this office.
    pub referrals_in: u32,
    pub by_target_group: BTreeMap<String, u32>,
    pub by_problem_domain: BTreeMap<String, u32>,
    /// The office's province (DOPA code), when known.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub province: String,
    /// Open cases by how they came in.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub by_channel: BTreeMap<String, u32>,
    /// Requests for help waiting for the office's first response, and those late.
    pub requests_open: u32,
    pub requests_late: u32,
    /// HuSEC's expedite notices waiting for the office's answer, and those past their date.
    pub notices_open: u32,
    pub notices_late: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct National {
    pub today: NaiveDate,
    pub offices: Vec<OfficeFigures>,
    pub totals: OfficeFigures,
    /// The same figures summed per province (`office`: the province code).
    #[serde(default)]
    pub provinces: Vec<OfficeFigures>,
    /// Received → first contact and received → closed, per province and channel.
    #[serde(default)]
    pub times: Vec<TimeFigures>,
    /// The last twelve months.
    #[serde(default)]
    pub months: Vec<MonthFigures>,
}

/// Today in Thailand (the day deadlines are counted in).
pub fn today() -> NaiveDate {
    chrono::Utc::now()
        .with_timezone(&raksa_domain::thai_date::bangkok())
        .date_naive()
}

/// What the computation reads: every record of the entities it needs, with its office.
pub struct Input {
    pub offices: Vec<(String, String)>,
    pub cases: Vec<(String, Map<String, Value>)>,
    pub events: Vec<(String, Map<String, Value>)>,
    pub referrals: Vec<(String, Map<String, Value>)>,
    pub rules: Vec<(String, Map<String, Value>)>,
    /// The receiving office of each referral sent between offices.
    pub referrals_in: Vec<String>,
}

/// Each case's timeline entries, parsed through the one timeline type (an entry the server
/// cannot read is skipped, as the office's own PC would refuse it).
fn timelines(
    events: &[(String, Map<String, Value>)],
) -> BTreeMap<&str, Vec<(&str, CaseEventBody)>> {
    let mut out: BTreeMap<&str, Vec<(&str, CaseEventBody)>> = BTreeMap::new();
    for (_, e) in events {
        if !CaseFacts::KINDS.contains(&s(e, "kind")) {
            continue;
        }
        if let Ok(body) = serde_json::from_str::<CaseEventBody>(s(e, "body")) {
            out.entry(s(e, "case_id"))
                .or_default()
                .push((s(e, "at"), body));
        }
    }
    out
}

fn case_facts(
    c: &Map<String, Value>,
    intake: NaiveDate,
    status: CaseStatus,
    timelines: &BTreeMap<&str, Vec<(&str, CaseEventBody)>>,
) -> CaseFacts {
    CaseFacts::from_timeline(
        intake,
        Urgency::parse(s(c, "urgency")).unwrap_or(Urgency::Normal),
        status,
        timelines
            .get(s(c, "id"))
            .into_iter()
            .flatten()
            .map(|(at, body)| (*at, body)),
    )
}

/// Each office's deadline rules: the defaults plus what it uploaded.
fn office_rules(input: &Input) -> BTreeMap<&str, Vec<DeadlineRule>> {
    let mut rows: BTreeMap<&str, Vec<&Map<String, Value>>> = BTreeMap::new();
    for (office, r) in &input.rules {
        rows.entry(office.as_str()).or_default().push(r);
    }
    rows.into_iter()
        .map(|(o, r)| (o, crate::tracking::office_rules(r)))
        .collect()
}

/// The open deadlines of every open case, by case id — what the national figures count
/// as overdue, computed exactly as the office's case page and "my work" compute them.
pub fn case_deadlines(input: &Input) -> BTreeMap<String, Vec<(Milestone, NaiveDate)>> {
    let rules = office_rules(input);
    let defaults = deadlines::default_rules();
    let timelines = timelines(&input.events);
    let mut out = BTreeMap::new();
    for (office, c) in &input.cases {
        let (Some(status), Some(intake)) =
            (CaseStatus::parse(s(c, "status")), date(s(c, "intake_date")))
        else {
            continue;
        };
        let cf = case_facts(c, intake, status, &timelines);
        let r = rules.get(office.as_str()).unwrap_or(&defaults);
        out.insert(s(c, "id").to_owned(), deadlines::due_dates(&cf, r));
    }
    out
}

pub fn compute(input: &Input, today: NaiveDate) -> National {
    let mut per: BTreeMap<String, OfficeFigures> = input
        .offices
        .iter()
        .map(|(code, name)| {
            (
                code.clone(),
                OfficeFigures {
                    office: code.clone(),
                    name: name.clone(),
                    ..OfficeFigures::default()
                },
            )
        })
        .collect();
    let rules = office_rules(input);
    let defaults = deadlines::default_rules();
    let due = case_deadlines(input);
    for (office, c) in &input.cases {
        let fig = per.entry(office.clone()).or_insert_with(|| OfficeFigures {
            office: office.clone(),
            ..OfficeFigures::default()
        });
        let Some(status) = CaseStatus::parse(s(c, "status")) else {
            continue;
        };
        if status == CaseStatus::Closed {
            if date(s(c, "stage_since"))
                .is_some_and(|d| d.year() == today.year() && d.month() == today.month())
            {
                fig.closed_this_month += 1;
            }
            continue;
        }
        fig.open += 1;
        for g in serde_json::from_str::<Vec<TargetGroup>>(s(c, "target_groups")).unwrap_or_default()
        {
            *fig.by_target_group.entry(g.as_str().into()).or_default() += 1;
        }
        for d in
            serde_json::from_str::<Vec<ProblemDomain>>(s(c, "problem_domains")).unwrap_or_default()
        {
            *fig.by_problem_domain.entry(d.as_str().into()).or_default() += 1;
        }
        if due
            .get(s(c, "id"))
            .is_some_and(|v| v.iter().any(|(_, d)| *d < today))
        {
            fig.overdue += 1;
        }
    }
    let urgency_of: BTreeMap<&str, Urgency> = input
        .cases
        .iter()
        .map(|(_, c)| {
            (
                s(c, "id"),
                Urgency::parse(s(c, "urgency")).unwrap_or(Urgency::Normal),
            )
        })
        .collect();
    for (office, r) in &input.referrals {
        if s(r, "status") != "sent" {
            continue;
        }
        let fig = per.entry(office.clone()).or_default();
        fig.referrals_waiting += 1;
        if let Some(sent) = date(s(r, "sent_on")) {
            let u = urgency_of
                .get(s(r, "case_id"))
                .copied()
                .unwrap_or(Urgency::Normal);
            let rr = rules.get(office.as_str()).unwrap_or(&defaults);
            if deadlines::referral_reply_due(rr, u, sent) < today {
                fig.referrals_overdue += 1;
            }
        }
    }
    for office in &input.referrals_in {
        per.entry(office.clone()).or_default().referrals_in += 1;
    }
    let offices: Vec<OfficeFigures> = per.into_values().collect();
    let totals = sum("รวม", "ทั้งประเทศ", offices.iter());
    National {
        today,
        offices,
        totals,
        provinces: Vec::new(),
        times: Vec::new(),
        months: Vec::new(),
    }
}

/// Adds up offices' figures under one heading.
fn sum<'a>(
    code: &str,
    name: &str,
    offices: impl Iterator<Item = &'a OfficeFigures>,
) -> OfficeFigures {
    let mut t = OfficeFigures {
        office: code.into(),
        name: name.into(),
        ..OfficeFigures::default()
    };
    for o in offices {
        t.open += o.open;
        t.overdue += o.overdue;
        t.closed_this_month += o.closed_this_month;
        t.referrals_waiting += o.referrals_waiting;
        t.referrals_overdue += o.referrals_overdue;
        t.referrals_in += o.referrals_in;
        t.requests_open += o.requests_open;
        t.requests_late += o.requests_late;
        t.notices_open += o.notices_open;
        t.notices_late += o.notices_late;
        for (k, v) in &o.by_target_group {
            *t.by_target_group.entry(k.clone()).or_default() += v;
        }
        for (k, v) in &o.by_problem_domain {
            *t.by_problem_domain.entry(k.clone()).or_default() += v;
        }
        for (k, v) in &o.by_channel {
            *t.by_channel.entry(k.clone()).or_default() += v;
        }
    }
    t
}

/// The office that holds requests no office covers (HuSEC routes them by hand).
const QUEUE: &str = crate::store::requests::NATIONAL_QUEUE;

/// The national view from the counters the store keeps (O(offices × figures), no record
/// read): `offices` are the offices to show (a scope), `province_of` each office's province.
pub fn from_counters(
    offices: &[(String, String)],
    province_of: &BTreeMap<String, String>,
    c: &Counters,
    today: NaiveDate,
) -> National {
    let mut per: BTreeMap<String, OfficeFigures> = offices
        .iter()
        .map(|(code, name)| {
            (
                code.clone(),
                OfficeFigures {
                    office: code.clone(),
                    name: name.clone(),
                    province: province_of.get(code).cloned().unwrap_or_default(),
                    ..OfficeFigures::default()
                },
            )
        })
        .collect();
    let this_month = format!("closed.{:04}-{:02}", today.year(), today.month());
    let n32 = |n: i64| u32::try_from(n).unwrap_or(0);
    for (office, key, n) in &c.figures {
        let Some(f) = per.get_mut(office) else {
            continue;
        };
        let n = n32(*n);
        match key.as_str() {
            "open" => f.open += n,
            "referrals_waiting" => f.referrals_waiting += n,
            "referrals_in" => f.referrals_in += n,
            "requests.open" => f.requests_open += n,
            "notices.open" => f.notices_open += n,
            k if k == this_month => f.closed_this_month += n,
            k => {
                if let Some(g) = k.strip_prefix("open.group.") {
                    *f.by_target_group.entry(g.into()).or_default() += n;
                } else if let Some(d) = k.strip_prefix("open.domain.") {
                    *f.by_problem_domain.entry(d.into()).or_default() += n;
                } else if let Some(ch) = k.strip_prefix("open.channel.") {
                    *f.by_channel.entry(ch.into()).or_default() += n;
                }
            }
        }
    }
    for (office, kind, n) in &c.late {
        let Some(f) = per.get_mut(office) else {
            continue;
        };
        match kind.as_str() {
            crate::tracking::CASE => f.overdue += n32(*n),
            crate::tracking::REFERRAL => f.referrals_overdue += n32(*n),
            crate::tracking::NOTICE => f.notices_late += n32(*n),
            _ => f.requests_late += n32(*n),
        }
    }
    let offices: Vec<OfficeFigures> = per.into_values().collect();
    let totals = sum("รวม", "ทั้งประเทศ", offices.iter());
    let mut by_province: BTreeMap<String, Vec<&OfficeFigures>> = BTreeMap::new();
    for o in offices.iter().filter(|o| o.office != QUEUE) {
        by_province.entry(o.province.clone()).or_default().push(o);
    }
    let provinces = by_province
        .into_iter()
        .map(|(p, os)| {
            let name = raksa_domain::places::places()
                .get(&p)
                .map_or_else(|| "ไม่ระบุจังหวัด".to_owned(), |pl| pl.name_th.clone());
            let mut f = sum(&p, &name, os.into_iter());
            f.province = p;
            f
        })
        .collect();
    National {
        today,
        offices,
        totals,
        provinces,
        times: c.times(province_of),
        months: c.months(today, 12),
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn group_th(k: &str) -> &'static str {
    TargetGroup::parse(k).map_or("อื่น ๆ", TargetGroup::label_th)
}

fn domain_th(k: &str) -> &'static str {
    ProblemDomain::parse(k).map_or("อื่น ๆ", ProblemDomain::label_th)
}

/// The page: no script, one small inline style, Thai first.
pub fn html(n: &National) -> String {
    let be = |d: NaiveDate| raksa_domain::thai_date::format_be_long(d);
    let mut rows = String::new();
    for o in n.offices.iter().chain(std::iter::once(&n.totals)) {
        let pct = (o.overdue * 100).checked_div(o.open).unwrap_or(0);
        rows.push_str(&format!(
            "<tr{}><td>{}</td><td>{}</td><td class=n>{}</td><td class=n><b class=late>{}</b><span class=bar style=\"width:{}px\"></span></td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td></tr>",
            if o.office == "รวม" { " class=total" } else { "" },
            esc(&o.office),
            esc(&o.name),
            o.open,
            o.overdue,
            pct,
            o.closed_this_month,
            o.referrals_waiting,
            o.referrals_overdue,
            o.referrals_in
        ));
    }
    let list = |m: &BTreeMap<String, u32>, label: fn(&str) -> &'static str| {
        let mut v: Vec<(&String, &u32)> = m.iter().collect();
        v.sort_by(|a, b| b.1.cmp(a.1));
        v.iter()
            .map(|(k, c)| format!("<tr><td>{}</td><td class=n>{c}</td></tr>", label(k)))
            .collect::<String>()
    };
    format!(
        "<!doctype html><html lang=th><head><meta charset=utf-8><meta name=viewport content=\"width=device-width\">\
<title>ภาพรวมระดับประเทศ — รักษา</title><style>\
@font-face{{font-family:RaksaSarabun;src:url(/fonts/sarabun-regular.ttf) format('truetype');font-weight:400}}\
@font-face{{font-family:RaksaSarabun;src:url(/fonts/sarabun-bold.ttf) format('truetype');font-weight:700}}\
body{{font-family:RaksaSarabun,Sarabun,'Noto Sans Thai',Tahoma,sans-serif;margin:2rem;color:#1f2933}}\
table{{border-collapse:collapse;margin-bottom:1.5rem}}td,th{{padding:.35rem .7rem;border-bottom:1px solid #d9e2e7;text-align:left}}\
.n{{text-align:right}}.late{{color:#b42318}}.bar{{display:inline-block;height:.6rem;background:#f5c2bd;margin-left:.4rem}}\
.total td{{font-weight:700}}.cols{{display:flex;gap:3rem;flex-wrap:wrap}}</style></head><body>\
<h1>ภาพรวมการช่วยเหลือรายกรณีระดับประเทศ</h1><p>ข้อมูล ณ วันที่ {}</p>\
<table><thead><tr><th>รหัส</th><th>สำนักงาน</th><th class=n>กรณีที่เปิดอยู่</th><th class=n>เกินกำหนด</th>\
<th class=n>ปิดกรณีเดือนนี้</th><th class=n>ส่งต่อรอตอบกลับ</th><th class=n>ส่งต่อเกินกำหนด</th><th class=n>รับส่งต่อจากสำนักงานอื่น</th></tr></thead><tbody>{rows}</tbody></table>\
<div class=cols><div><h2>กรณีที่เปิดอยู่ ตามกลุ่มเป้าหมาย</h2><table>{}</table></div>\
<div><h2>ตามด้านของปัญหา</h2><table>{}</table></div></div>\
<p><small>เกินกำหนด: คำนวณตามกฎกำหนดเวลาที่แต่ละสำนักงานส่งขึ้นมา · JSON: /v1/national</small></p></body></html>",
        be(n.today),
        list(&n.totals.by_target_group, group_th),
        list(&n.totals.by_problem_domain, domain_th),
    )
}
