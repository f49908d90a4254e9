//! HuSEC's tracking (issue 16 §4): the figures kept incrementally as pushes are applied
//! agree exactly with a recomputation from scratch — after a seeded random series of
//! pushes from several offices, in any order (timeline entries before their case, rules
//! changed midway, referrals shared with another office, requests filed and routed) — on
//! both backends.

use chrono::{Duration, NaiveDate};
use raksa_protocol::{Entity, Mutation, PROTOCOL_VERSION, PushRequest};
use raksa_server::store::Device;
use serde_json::{Value, json};

use crate::*;

/// xorshift64*: a small seeded generator (the series must be the same on every run).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len() as u64) as usize]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const OFFICES: [&str; 3] = ["พล", "ชม", "กท"];
const STATUSES: [&str; 7] = [
    "intake",
    "fact_finding",
    "assessment",
    "planning",
    "intervention",
    "follow_up",
    "closed",
];
const URGENCIES: [&str; 3] = ["urgent", "high", "normal"];
const CHANNELS: [&str; 4] = ["hotline1300", "walk_in", "volunteer", "husec"];
const GROUPS: [&str; 5] = [
    "[\"child\"]",
    "[\"elderly\",\"bedridden\"]",
    "[\"woman\",\"family\"]",
    "[]",
    "[\"nonsense\"]",
];
const DOMAINS: [&str; 4] = ["[\"care\"]", "[\"safety\",\"family\"]", "[\"income\"]", ""];

struct Series<'a> {
    rng: Rng,
    today: NaiveDate,
    seq: Vec<u64>,
    /// cases made so far per office (their number in `id`)
    cases: Vec<Vec<u32>>,
    next_id: u32,
    devices: &'a [Device],
}

impl Series<'_> {
    fn day(&mut self, back: u64) -> NaiveDate {
        self.today - Duration::days(self.rng.below(back) as i64)
    }
    fn fresh(&mut self) -> u32 {
        self.next_id += 1;
        self.next_id
    }
    fn mutation(&mut self, o: usize) -> Mutation {
        self.seq[o] += 1;
        let seq = self.seq[o];
        let roll = self.rng.below(100);
        let known = self.cases[o].clone();
        // a case: new, or a new state of one made before
        if roll < 35 || known.is_empty() {
            let n = if !known.is_empty() && self.rng.chance(50) {
                *self.rng.pick(&known)
            } else {
                let n = self.fresh();
                self.cases[o].push(n);
                n
            };
            let intake = self.day(90);
            let status = *self.rng.pick(&STATUSES);
            let f = fields_of(&json!({
                "id": id(n), "case_no": format!("{}-{n}", OFFICES[o]), "status": status,
                "urgency": self.rng.pick(&URGENCIES), "channel": self.rng.pick(&CHANNELS),
                "intake_date": intake.to_string(),
                "stage_since": (intake + Duration::days(self.rng.below(40) as i64)).to_string(),
                "target_groups": self.rng.pick(&GROUPS), "problem_domains": self.rng.pick(&DOMAINS),
                "assigned_to": if self.rng.chance(50) { json!(id(0)) } else { Value::Null },
                "sensitive": self.rng.below(2),
            }));
            return Mutation::new(seq, Entity::Cases, id(n), f, None);
        }
        // a timeline entry, sometimes for a case whose record comes later
        if roll < 70 {
            let case = if self.rng.chance(15) {
                let n = self.fresh();
                self.cases[o].push(n);
                n
            } else {
                *self.rng.pick(&known)
            };
            let at = self.day(60);
            let body = match self.rng.below(4) {
                0 | 1 => json!({"kind": "home_visit", "visited_on": at.to_string(), "visitors": "",
                    "living_conditions": "", "findings": "", "opinion": ""}),
                2 => {
                    json!({"kind": "stage_changed", "from": "intake", "to": "fact_finding", "reason": ""})
                }
                _ => {
                    json!({"kind": "approval_decided", "approval": "plan", "approved": true, "comment": ""})
                }
            };
            let n = self.fresh();
            let f = fields_of(&json!({
                "id": id(n), "case_id": id(case), "at": format!("{at}T03:00:00Z"), "user_id": id(0),
                "kind": body["kind"], "body": body.to_string(), "corrects": null,
            }));
            return Mutation::new(seq, Entity::CaseEvents, id(n), f, None);
        }
        // a referral (to Chiang Mai's office through an agency that runs Raksa, sometimes)
        if roll < 92 {
            let n = if self.rng.chance(30) {
                1_000_000 + (self.rng.below(30) as u32) * 10 + o as u32
            } else {
                self.fresh()
            };
            let agency = if o != 1 && self.rng.chance(40) {
                id(900_000 + o as u32)
            } else {
                String::new()
            };
            let f = fields_of(&json!({
                "id": id(n), "case_id": id(*self.rng.pick(&known)),
                "status": self.rng.pick(&["draft", "sent", "sent", "accepted", "replied"]),
                "sent_on": self.day(60).to_string(), "agency_id": agency,
            }));
            return Mutation::new(seq, Entity::Referrals, id(n), f, None);
        }
        // the office changes a deadline rule
        let (m, u) = (
            *self
                .rng
                .pick(&["first_contact", "fact_finding", "plan", "referral_reply"]),
            *self.rng.pick(&URGENCIES),
        );
        let from = *self.rng.pick(&["2000-01-01", "2026-06-01"]);
        let key = format!("{m}/{u}/{from}");
        let f = admin_signed(
            Entity::DeadlineRules,
            &key,
            fields_of(
                &json!({"milestone": m, "urgency": u, "days": 1 + self.rng.below(60),
                "effective_from": from}),
            ),
        );
        Mutation::new(seq, Entity::DeadlineRules, key, f, None)
    }
    fn push(&mut self, store: &raksa_server::store::Store, o: usize, batch: Vec<Mutation>) {
        let r = store
            .push(
                &self.devices[o],
                &PushRequest {
                    protocol: PROTOCOL_VERSION,
                    mutations: batch,
                },
            )
            .unwrap();
        assert_eq!(r.acknowledged_through, self.seq[o]);
    }
}

fn agency(seq: u64, o: usize) -> Mutation {
    let aid = id(900_000 + o as u32);
    Mutation::new(
        seq,
        Entity::Agencies,
        aid.clone(),
        fields_of(&json!({"id": aid, "name": "สำนักงาน ชม", "runs_raksa": 1, "raksa_office": "ชม"})),
        None,
    )
}

#[test]
fn incremental_figures_agree_with_a_full_recomputation() {
    let today = raksa_server::national::today();
    for seed in [7_u64, 2569, 0x5eed] {
        for b in backends() {
            let devices: Vec<Device> = OFFICES
                .iter()
                .map(|o| device(&b.store, o, &format!("pc-{o}")))
                .collect();
            b.store
                .set_route(&raksa_domain::help_request::RouteRule {
                    area: "65".into(),
                    office: "พล".into(),
                })
                .unwrap();
            let mut s = Series {
                rng: Rng(seed),
                today,
                seq: vec![0; 3],
                cases: vec![Vec::new(); 3],
                next_id: 0,
                devices: &devices,
            };
            for o in [0, 2] {
                s.seq[o] += 1;
                let a = agency(s.seq[o], o);
                s.push(&b.store, o, vec![a]);
            }
            for round in 0..60 {
                let o = s.rng.below(3) as usize;
                let batch = (0..1 + s.rng.below(5)).map(|_| s.mutation(o)).collect();
                s.push(&b.store, o, batch);
                if round % 10 == 0 {
                    file_request(&b.store, &mut s.rng, round);
                }
            }
            let rows = b.store.tracking_rows().unwrap();
            let figures = b.store.figures().unwrap();
            let incremental = b.store.national(today).unwrap();
            assert!(
                rows.iter().any(|r| r.kind == "case" && r.is_late(today)),
                "{}: the series makes late cases",
                b.name
            );
            assert!(rows.iter().any(|r| r.kind == "request"));
            // from scratch: the same rows and counters…
            b.store.rebuild_tracking().unwrap();
            assert_eq!(
                b.store.tracking_rows().unwrap(),
                rows,
                "{} seed {seed}: rows",
                b.name
            );
            assert_eq!(
                b.store.figures().unwrap(),
                figures,
                "{} seed {seed}: figures",
                b.name
            );
            // …and the figures today's full recomputation from every record gives
            let full = b.store.national_full(today).unwrap();
            for o in &full.offices {
                let i = incremental
                    .offices
                    .iter()
                    .find(|x| x.office == o.office)
                    .unwrap();
                let fig = |f: &raksa_server::national::OfficeFigures| {
                    (
                        f.open,
                        f.overdue,
                        f.closed_this_month,
                        f.referrals_waiting,
                        f.referrals_overdue,
                        f.referrals_in,
                        f.by_target_group.clone(),
                        f.by_problem_domain.clone(),
                    )
                };
                assert_eq!(
                    fig(i),
                    fig(o),
                    "{} seed {seed}: office {}",
                    b.name,
                    o.office
                );
            }
            assert!(incremental.totals.open > 0 && incremental.totals.referrals_in > 0);
        }
    }
}

fn file_request(store: &raksa_server::store::Store, rng: &mut Rng, n: u32) {
    let sub = *rng.pick(&[Some("650101"), Some("500101"), None]);
    let v = json!({
        "reporter": {"name": "ผู้แจ้ง", "phone": "0812345678"},
        "person": {"name": "ผู้ประสบปัญหา"},
        "subdistrict_code": sub,
        "core_issues": ["elderly"],
        "urgency": rng.pick(&URGENCIES),
        "details": "ผู้สูงอายุอยู่ลำพัง"
    });
    let r: raksa_domain::help_request::NewHelpRequest = serde_json::from_value(v).unwrap();
    let checked = raksa_domain::help_request::check_new(&r, |_| None).unwrap();
    store
        .file_request(
            raksa_domain::help_request::RequestChannel::Partner,
            "test",
            &format!("k{n}"),
            &format!("h{n}"),
            &checked,
        )
        .unwrap();
}
