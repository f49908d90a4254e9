//! A seeded simulation of three office PCs (two of one office, one of another) working and
//! syncing through faults against the real server store: requests lost, replies lost,
//! requests duplicated, PCs restarted mid-way, device clocks set to 1970 and 2100. After a
//! quiet period every guarantee is checked:
//! - G2/G3: each PC's changes were applied on the server exactly once, in a gap-free order;
//! - G6: every PC's replica equals the server's records for its office, field by field;
//! - G4: a case both PCs of one office moved concurrently is in the record or its conflict
//!   history;
//! - G10: clocks off by decades change nothing above.
//!
//! The seed is printed; `RAKSA_SIM_SEED=<n>` replays a run. `RAKSA_SIM_STEPS` lengthens it.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Duration, TimeZone, Utc};
use raksa_core::model::*;
use raksa_core::office::{self, DataDir};
use raksa_core::thai_date::Clock;
use raksa_core::{CoreError, Session};
use raksa_protocol::{PROTOCOL_VERSION, PushRequest};
use raksa_server::store::{Device, Store};
use serde_json::{Map, Value};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A clock that can be thrown decades off.
struct SkewClock(AtomicI64);
impl Clock for SkewClock {
    fn now(&self) -> DateTime<Utc> {
        let base = Utc.with_ymd_and_hms(2026, 11, 23, 3, 0, 0).unwrap();
        base + Duration::seconds(self.0.load(Ordering::Relaxed))
    }
}

struct Pc {
    name: &'static str,
    dir: DataDir,
    user: String,
    session: Option<Session>,
    device: Device,
    clock: Arc<SkewClock>,
    cases: Vec<uuid::Uuid>,
    /// The office's recovery key (opens the database file directly, as an insider could).
    recovery_key: String,
}

const PW: &str = "รหัสผ่านจำลอง-2569";

fn citizen_id(n: u64) -> String {
    let body = format!("{:012}", 110_000_000_000 + n);
    let d: Vec<u32> = body.chars().map(|c| c.to_digit(10).unwrap()).collect();
    let sum: u32 = (0..12).map(|i| d[i] * (13 - i as u32)).sum();
    format!("{body}{}", (11 - sum % 11) % 10)
}

impl Pc {
    fn s(&mut self) -> &mut Session {
        if self.session.is_none() {
            self.session =
                Some(office::unlock(&self.dir, &self.user, PW, self.clock.clone()).unwrap());
        }
        self.session.as_mut().unwrap()
    }
}

fn new_pc(tmp: &std::path::Path, store: &Store, name: &'static str, office_code: &str) -> Pc {
    new_pc_as(tmp, store, name, office_code, &format!("admin_{name}"))
}

fn new_pc_as(
    tmp: &std::path::Path,
    store: &Store,
    name: &'static str,
    office_code: &str,
    user: &str,
) -> Pc {
    let dir = DataDir::new(tmp.join(name));
    let clock = Arc::new(SkewClock(AtomicI64::new(0)));
    let user = user.to_owned();
    let (s, rk) = office::init_office(
        &dir,
        &OfficeSetup {
            office_number: "0027".into(),
            name: format!("สำนักงาน {office_code}"),
            address: "ศาลากลางจังหวัด".into(),
            letter_code: office_code.into(),
            phone: "055-252-222".into(),
        },
        &NewUser {
            username: user.clone(),
            full_name: format!("เจ้าหน้าที่ {name}"),
            position: "นักสังคมสงเคราะห์".into(),
            role: Role::Admin,
            password: PW.into(),
        },
        clock.clone(),
    )
    .unwrap();
    store.add_office(office_code, office_code).unwrap();
    let code = store.new_enrolment_code(office_code).unwrap();
    let token = store
        .enrol_with_admin(&code, name, s.admin_key_grant().as_ref())
        .unwrap()
        .token;
    Pc {
        name,
        dir,
        user,
        session: Some(s),
        device: store.authenticate(&token).unwrap(),
        clock,
        cases: Vec::new(),
        recovery_key: rk.display().to_owned(),
    }
}

#[derive(Clone, Copy, Debug)]
enum Fault {
    None,
    LoseRequest,
    LoseReply,
    Duplicate,
}

/// One push (with a fault) and, when it went through, one pull page.
fn sync_step(pc: &mut Pc, store: &Store, fault: Fault) {
    let device = pc.device.clone();
    let batch = pc.s().outbox_batch(50).unwrap();
    if !batch.is_empty() {
        let req = PushRequest {
            protocol: PROTOCOL_VERSION,
            mutations: batch.clone(),
        };
        match fault {
            Fault::LoseRequest => return,
            Fault::LoseReply => {
                store.push(&device, &req).unwrap();
                return;
            }
            Fault::Duplicate => {
                store.push(&device, &req).unwrap();
                let r = store.push(&device, &req).unwrap();
                pc.s().apply_push_response(&batch, &r).unwrap();
            }
            Fault::None => {
                let r = store.push(&device, &req).unwrap();
                pc.s().apply_push_response(&batch, &r).unwrap();
            }
        }
    }
    let cursor = pc.s().pull_cursor().unwrap();
    let page = store.pull(&device, cursor, 40).unwrap();
    pc.s().apply_pull(&page).unwrap();
}

fn quiesce(pcs: &mut [Pc], store: &Store) {
    for _round in 0..3 {
        for pc in pcs.iter_mut() {
            loop {
                sync_step(pc, store, Fault::None);
                let pending = pc.s().outbox_batch(1).unwrap().len();
                let cursor = pc.s().pull_cursor().unwrap();
                // more to take in: a record, or the PC's own changes still to pass over
                let page = store.pull(&pc.device, cursor, 1).unwrap();
                let more = !page.records.is_empty() || page.next_cursor > cursor;
                if pending == 0 && !more {
                    break;
                }
            }
        }
    }
}

/// What the server holds for `d`'s office: read as a colleague's PC would (a device is
/// not sent its own changes back).
fn server_state(store: &Store, d: &Device) -> BTreeMap<(String, String), Map<String, Value>> {
    let reader = Device {
        id: format!("{}-colleague", d.id),
        ..d.clone()
    };
    let mut out = BTreeMap::new();
    let mut cursor = 0;
    loop {
        let p = store.pull(&reader, cursor, 1000).unwrap();
        for r in p.records {
            out.insert((r.entity.table().to_owned(), r.record_id), r.fields);
        }
        cursor = p.next_cursor;
        if !p.more {
            return out;
        }
    }
}

fn run(store: Store, seed: u64, steps: u64) {
    let tmp = tempfile::tempdir().unwrap();
    let mut rng = Rng(seed | 1);
    let mut pcs = vec![
        new_pc(tmp.path(), &store, "a", "พล"),
        new_pc(tmp.path(), &store, "b", "พล"),
        new_pc(tmp.path(), &store, "c", "ชม"),
    ];
    // Two PCs of one office hold disjoint number blocks, as their administrator sets them.
    for (k, first, last) in [(0usize, 1u32, 499_999u32), (1, 500_001, 999_999)] {
        pcs[k]
            .s()
            .set_number_block(&raksa_core::numbering::NumberBlock {
                series: raksa_core::numbering::Series::Case,
                first_no: first,
                last_no: last,
                used_this_year: 0,
            })
            .unwrap();
    }
    let mut next_id = 0u64;
    let mut registered = 0usize;
    let mut concurrent_case = None;
    for step in 0..steps {
        let i = rng.below(3) as usize;
        let pc = &mut pcs[i];
        match rng.below(12) {
            0..=2 => {
                next_id += 1;
                let last = pc.name;
                let s = pc.s();
                let p = s
                    .register_person(&NewPerson {
                        title: "นาง".into(),
                        first_name: format!("คน{next_id}"),
                        last_name: last.into(),
                        identity: raksa_core::identity::Identity::CitizenId {
                            number: citizen_id(next_id),
                        },
                        birth_date: None,
                        sex: Sex::Female,
                        phone: String::new(),
                        address_text: String::new(),
                        subdistrict_code: None,
                        postcode: None,
                    })
                    .unwrap();
                registered += 1;
                let today = pc.s().today();
                if let Ok(c) = pc.s().open_case(&NewCase {
                    person_id: p.id,
                    channel: IntakeChannel::WalkIn,
                    intake_date: today,
                    summary: format!("กรณีที่ {step}"),
                    urgency: Urgency::Normal,
                    target_groups: vec![],
                    problem_domains: vec![],
                    reporter: None,
                    account: String::new(),
                }) {
                    pc.cases.push(c.id);
                }
            }
            3..=4 => {
                // move a case this PC can see (its own or pulled from its office)
                let visible: Vec<uuid::Uuid> = pc
                    .s()
                    .search_cases("", 50)
                    .unwrap()
                    .into_iter()
                    .map(|c| c.id)
                    .collect();
                if !visible.is_empty() {
                    let id = visible[rng.below(visible.len() as u64) as usize];
                    let d = pc.s().get_case(id).unwrap();
                    if let Some(&to) = d.next_stages.first() {
                        match pc.s().change_stage(id, to, "จำลอง") {
                            Ok(()) | Err(CoreError::Transition(_)) => {}
                            Err(e) => panic!("seed {seed}: {e:?}"),
                        }
                    }
                }
            }
            5 => {
                if let Some(&id) = pc.cases.last() {
                    pc.s().add_note(id, &format!("บันทึก {step}")).unwrap();
                }
            }
            6..=9 => {
                let fault = match rng.below(6) {
                    0 => Fault::LoseRequest,
                    1 => Fault::LoseReply,
                    2 => Fault::Duplicate,
                    _ => Fault::None,
                };
                sync_step(pc, &store, fault);
            }
            10 => {
                // the PC is switched off and on again
                pc.session = None;
            }
            _ => {
                // G10: the device clock jumps to 1970, 2100 or back
                let off = match rng.below(3) {
                    0 => -1_780_000_000,
                    1 => 2_330_000_000,
                    _ => 0,
                };
                pc.clock.0.store(off, Ordering::Relaxed);
            }
        }
        // Once, make A and B move the same case while partitioned (G4).
        if step == steps / 2 && concurrent_case.is_none() {
            quiesce(&mut pcs, &store);
            let shared = pcs[0].cases.first().copied();
            if let Some(id) = shared {
                for (k, pc) in pcs.iter_mut().take(2).enumerate() {
                    pc.clock.0.store(0, Ordering::Relaxed);
                    if let Ok(d) = pc.s().get_case(id)
                        && let Some(&to) = d.next_stages.get(k.min(d.next_stages.len() - 1))
                    {
                        let _ = pc.s().change_stage(id, to, &format!("จากเครื่อง {k}"));
                    }
                }
                concurrent_case = Some(id);
            }
        }
    }
    quiesce(&mut pcs, &store);

    // G2/G3: every mutation of every PC applied once, in order, nothing pending.
    for pc in pcs.iter_mut() {
        assert!(pc.s().outbox_batch(1).unwrap().is_empty(), "seed {seed}");
        let hw = store
            .devices()
            .unwrap()
            .into_iter()
            .find(|d| d.id == pc.device.id)
            .unwrap()
            .high_water;
        assert!(hw > 0, "seed {seed}");
        assert!(
            pc.s().sync_status().unwrap().rejected == 0,
            "seed {seed}: rejections"
        );
    }
    // Exactly once: each registered person is one record on the server.
    let mut people = 0;
    for office_pc in [0usize, 2] {
        people += server_state(&store, &pcs[office_pc].device)
            .keys()
            .filter(|(e, _)| e == "people")
            .count();
    }
    assert_eq!(people, registered, "seed {seed}: people on the server");

    // G6: each replica equals the server's records of its office, field by field.
    for pc in pcs.iter_mut() {
        let server = server_state(&store, &pc.device);
        let local = pc.s().replica_state().unwrap();
        let issues = pc.s().sync_status().unwrap().issues;
        for (k, v) in &server {
            assert_eq!(
                local.get(k),
                Some(v),
                "seed {seed}: {} differs on {:?}; issues: {:?}",
                pc.name,
                k,
                issues.iter().take(3).collect::<Vec<_>>()
            );
        }
        // Records of other offices never arrive.
        let foreign = local
            .keys()
            .filter(|(e, _)| e == "people")
            .filter(|k| !server.contains_key(*k))
            .count();
        assert_eq!(
            foreign, 0,
            "seed {seed}: {} holds records the server does not",
            pc.name
        );
    }
    // G4: the concurrently moved case converged on A and B.
    if let Some(id) = concurrent_case {
        let a = pcs[0].s().get_case(id).unwrap().case.status;
        let b = pcs[1].s().get_case(id).unwrap().case.status;
        assert_eq!(a, b, "seed {seed}");
    }
}

fn seed() -> u64 {
    let s = std::env::var("RAKSA_SIM_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        });
    eprintln!("simulation seed: {s}  (replay with RAKSA_SIM_SEED={s})");
    s
}

fn steps(default: u64) -> u64 {
    std::env::var("RAKSA_SIM_STEPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn simulated_offices_converge_through_faults_on_sqlite() {
    let tmp = tempfile::tempdir().unwrap();
    let store = Store::open(&format!("sqlite:{}", tmp.path().join("s.db").display())).unwrap();
    run(store, seed(), steps(250));
}

#[test]
fn simulated_offices_converge_through_faults_on_postgres() {
    if let Some((store, _db)) = PgDb::new("raksa_sim") {
        run(store, seed(), steps(120));
    }
}

fn full_sync(pc: &mut Pc, store: &Store) {
    for _ in 0..10 {
        sync_step(pc, store, Fault::None);
    }
}

#[test]
fn a_referral_to_an_office_running_raksa_arrives_there_and_its_answer_comes_back() {
    use raksa_core::model::{AgencyKind, LegalBasis, LetterUrgency, ReferralStatus, SharedPart};
    use raksa_core::referral::{NewAgency, NewReferral, ReferralReply};
    let tmp = tempfile::tempdir().unwrap();
    let store = Store::open(&format!("sqlite:{}", tmp.path().join("s.db").display())).unwrap();
    let mut pl = new_pc(tmp.path(), &store, "a", "พล");
    let mut cm = new_pc(tmp.path(), &store, "c", "ชม");
    let mut sk = new_pc(tmp.path(), &store, "d", "สข");
    let s = pl.s();
    let p = s
        .register_person(&NewPerson {
            title: "นาง".into(),
            first_name: "บุญมี".into(),
            last_name: "ทองใบ".into(),
            identity: raksa_core::identity::Identity::CitizenId {
                number: citizen_id(1),
            },
            birth_date: None,
            sex: Sex::Female,
            phone: String::new(),
            address_text: String::new(),
            subdistrict_code: None,
            postcode: None,
        })
        .unwrap();
    let today = s.today();
    let c = s
        .open_case(&NewCase {
            person_id: p.id,
            channel: IntakeChannel::WalkIn,
            intake_date: today,
            summary: "ย้ายไปอยู่กับบุตรที่เชียงใหม่".into(),
            urgency: Urgency::Normal,
            target_groups: vec![TargetGroup::Elderly],
            problem_domains: vec![ProblemDomain::Care],
            reporter: None,
            account: String::new(),
        })
        .unwrap();
    let agency = s
        .add_agency(&NewAgency {
            name: "สำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์จังหวัดเชียงใหม่".into(),
            head_position: "พัฒนาสังคมและความมั่นคงของมนุษย์จังหวัดเชียงใหม่".into(),
            address: String::new(),
            phone: String::new(),
            email: String::new(),
            kind: AgencyKind::Msdhs,
            runs_raksa: true,
            raksa_office: "ชม".into(),
        })
        .unwrap();
    let r = s
        .create_referral(
            c.id,
            &NewReferral {
                agency_id: agency.id,
                urgency: LetterUrgency::Urgent,
                secrecy: None,
                requested: "รับดูแลต่อในพื้นที่".into(),
                legal_basis: LegalBasis::ElderlyAct,
                shared: vec![SharedPart::Identity, SharedPart::Problems],
            },
        )
        .unwrap();
    // a draft is not delivered
    full_sync(&mut pl, &store);
    full_sync(&mut cm, &store);
    assert!(cm.s().incoming_referrals().unwrap().is_empty());
    pl.s().send_referral(r.id, today).unwrap();
    full_sync(&mut pl, &store);
    full_sync(&mut cm, &store);
    full_sync(&mut sk, &store);
    let inc = cm.s().incoming_referrals().unwrap();
    assert_eq!(inc.len(), 1);
    assert_eq!(inc[0].from_office, "พล");
    assert_eq!(inc[0].status, "new");
    assert!(
        inc[0]
            .letter
            .as_ref()
            .unwrap()
            .cause
            .contains("นางบุญมี ทองใบ")
    );
    assert!(
        sk.s().incoming_referrals().unwrap().is_empty(),
        "a third office sees nothing"
    );
    // Chiang Mai accepts
    cm.s()
        .reply_to_referral(
            r.id,
            &ReferralReply {
                status: ReferralStatus::Accepted,
                on: today,
                note: "รับดูแล นัดเยี่ยมบ้าน".into(),
            },
        )
        .unwrap();
    full_sync(&mut cm, &store);
    full_sync(&mut pl, &store);
    let mine = pl.s().referral(r.id).unwrap();
    assert_eq!(mine.status, ReferralStatus::Accepted);
    assert_eq!(mine.replied_on, Some(today));
    assert!(
        mine.events
            .iter()
            .any(|e| e.to == ReferralStatus::Accepted && e.note.contains("รับดูแล")),
        "{:?}",
        mine.events
    );
    // and it is on the sender's case timeline, like a change made on its own PC
    let timeline = pl.s().get_case(c.id).unwrap().events;
    assert!(
        timeline.iter().any(|e| matches!(
            &e.body,
            raksa_core::casework::CaseEventBody::ReferralChanged { to: ReferralStatus::Accepted, note, .. }
                if note.contains("รับดูแล")
        )),
        "{timeline:?}"
    );
    // …read through the one timeline type, and attributed to the office that answered,
    // not to the sender's own worker who created the referral
    let answer = timeline
        .iter()
        .find(|e| {
            matches!(
                &e.body,
                raksa_core::casework::CaseEventBody::ReferralChanged {
                    to: ReferralStatus::Accepted,
                    ..
                }
            )
        })
        .unwrap();
    assert!(
        answer.by.contains("ชม") && answer.by.contains("เจ้าหน้าที่ c"),
        "{}",
        answer.by
    );
    assert!(!answer.by.contains("เจ้าหน้าที่ a"), "{}", answer.by);
    // the reply left the sender's overdue list
    assert!(
        pl.s()
            .work_list(true)
            .unwrap()
            .items
            .iter()
            .all(|i| i.referral_id != Some(r.id))
    );
    // an office cannot answer a referral not addressed to it
    assert!(
        sk.s()
            .reply_to_referral(
                r.id,
                &ReferralReply {
                    status: ReferralStatus::Accepted,
                    on: today,
                    note: String::new()
                }
            )
            .is_err()
    );
    // the national view counts both offices: the sender's open case, the receiver's referral
    let n = raksa_server::national::compute(&store.national_input().unwrap(), today);
    let office = |code: &str| n.offices.iter().find(|o| o.office == code).unwrap().clone();
    assert_eq!((office("พล").open, office("พล").referrals_waiting), (1, 0));
    assert_eq!(
        (office("ชม").referrals_in, office("สข").referrals_in),
        (1, 0)
    );

    // The sender closes the referral; the receiving office can no longer move it (issue 12:
    // the server checked only its own status list, so a closed referral could be reopened).
    pl.s()
        .change_referral(
            r.id,
            &raksa_core::referral::ReferralChange {
                to: ReferralStatus::Closed,
                on: today,
                note: String::new(),
            },
        )
        .unwrap();
    full_sync(&mut pl, &store);
    full_sync(&mut cm, &store);
    // Chiang Mai's own copy still says "accepted", so its PC lets the worker record more…
    cm.s()
        .reply_to_referral(
            r.id,
            &ReferralReply {
                status: ReferralStatus::ServiceDelivered,
                on: today,
                note: "ให้บริการแล้ว".into(),
            },
        )
        .unwrap();
    full_sync(&mut cm, &store);
    full_sync(&mut pl, &store);
    // …but the server refuses the move with the same rule, and the sender's referral stays closed.
    let mine = pl.s().referral(r.id).unwrap();
    assert_eq!(mine.status, ReferralStatus::Closed);
    assert!(
        mine.events
            .iter()
            .all(|e| e.to != ReferralStatus::ServiceDelivered)
    );
    assert!(
        cm.s()
            .sync_status()
            .unwrap()
            .issues
            .iter()
            .any(|i| i.kind == "rejected"),
        "the refusal is shown on the replying PC"
    );

    // A withdrawn referral cannot be answered at all: refused on the receiving PC.
    let r2 = pl
        .s()
        .create_referral(
            c.id,
            &NewReferral {
                agency_id: agency.id,
                urgency: LetterUrgency::Normal,
                secrecy: None,
                requested: "ติดตามเยี่ยม".into(),
                legal_basis: LegalBasis::ElderlyAct,
                shared: vec![SharedPart::Identity],
            },
        )
        .unwrap();
    pl.s().send_referral(r2.id, today).unwrap();
    full_sync(&mut pl, &store);
    full_sync(&mut cm, &store);
    pl.s()
        .change_referral(
            r2.id,
            &raksa_core::referral::ReferralChange {
                to: ReferralStatus::Withdrawn,
                on: today,
                note: "ผู้รับบริการย้ายกลับ".into(),
            },
        )
        .unwrap();
    full_sync(&mut pl, &store);
    full_sync(&mut cm, &store);
    let e = cm
        .s()
        .reply_to_referral(
            r2.id,
            &ReferralReply {
                status: ReferralStatus::Accepted,
                on: today,
                note: String::new(),
            },
        )
        .unwrap_err();
    assert!(matches!(e, CoreError::Transition("referral_step")), "{e:?}");
}

/// Issue 12: the case page, "my work" and the national view each read a case's timeline
/// for its deadlines their own way (a visit's date, the moment it was typed, a third
/// mixture) and could disagree about whether a case is late. Now one function reads it;
/// for a table of timelines all three give the same due dates and overdue states.
#[test]
fn case_page_my_work_and_the_national_view_agree_on_every_deadline() {
    use raksa_core::deadlines::Milestone;
    let tmp = tempfile::tempdir().unwrap();
    let store = Store::open(&format!("sqlite:{}", tmp.path().join("s.db").display())).unwrap();
    let mut pc = new_pc(tmp.path(), &store, "a", "พล");
    let s = pc.s();
    let today = s.today();
    // (intake days ago, urgency, what happened since)
    type Step = fn(&mut Session, uuid::Uuid, chrono::NaiveDate);
    let table: Vec<(i64, Urgency, Vec<Step>)> = vec![
        (0, Urgency::Normal, vec![]),
        (10, Urgency::Normal, vec![]),
        (2, Urgency::Urgent, vec![]),
        // a visit typed today for a visit made the day after intake
        (
            10,
            Urgency::High,
            vec![|s, c, t| {
                s.add_home_visit(c, &visit_on(t - Duration::days(9)))
                    .map(drop)
                    .unwrap()
            }],
        ),
        // left intake today without a visit
        (
            5,
            Urgency::Normal,
            vec![|s, c, _| {
                s.change_stage(c, CaseStatus::FactFinding, "โทรนัดแล้ว")
                    .unwrap()
            }],
        ),
        // in fact-finding for too long, visited twice
        (
            20,
            Urgency::High,
            vec![
                |s, c, _| {
                    s.change_stage(c, CaseStatus::FactFinding, "รับเรื่อง")
                        .unwrap()
                },
                |s, c, t| {
                    s.add_home_visit(c, &visit_on(t - Duration::days(15)))
                        .map(drop)
                        .unwrap()
                },
                |s, c, t| {
                    s.add_home_visit(c, &visit_on(t - Duration::days(3)))
                        .map(drop)
                        .unwrap()
                },
            ],
        ),
        // assessed, planning overdue
        (
            30,
            Urgency::Normal,
            vec![
                |s, c, _| {
                    s.change_stage(c, CaseStatus::FactFinding, "รับเรื่อง")
                        .unwrap()
                },
                |s, c, _| {
                    s.change_stage(c, CaseStatus::Assessment, "สอบข้อเท็จจริงแล้ว")
                        .unwrap()
                },
            ],
        ),
    ];
    let mut ids = Vec::new();
    for (i, (ago, urgency, steps)) in table.iter().enumerate() {
        let p = s
            .register_person(&NewPerson {
                title: "นาง".into(),
                first_name: format!("ทดสอบ{i}"),
                last_name: "กำหนดเวลา".into(),
                identity: raksa_core::identity::Identity::CitizenId {
                    number: citizen_id(100 + i as u64),
                },
                birth_date: None,
                sex: Sex::Female,
                phone: String::new(),
                address_text: String::new(),
                subdistrict_code: None,
                postcode: None,
            })
            .unwrap();
        let c = s
            .open_case(&NewCase {
                person_id: p.id,
                channel: IntakeChannel::Hotline1300,
                intake_date: today - Duration::days(*ago),
                summary: "ทดสอบ".into(),
                urgency: *urgency,
                target_groups: vec![TargetGroup::Elderly],
                problem_domains: vec![ProblemDomain::Care],
                reporter: None,
                account: String::new(),
            })
            .unwrap();
        for step in steps {
            step(s, c.id, today);
        }
        ids.push(c.id);
    }
    full_sync(&mut pc, &store);
    let s = pc.s();
    let work = s.work_list(false).unwrap();
    let input = store.national_input().unwrap();
    let national = raksa_server::national::case_deadlines(&input);
    let mut overdue_cases = 0;
    for id in &ids {
        let mut page: Vec<(Milestone, chrono::NaiveDate)> = s
            .get_case(*id)
            .unwrap()
            .deadlines
            .iter()
            .map(|d| (d.milestone, d.due_date))
            .collect();
        let mut mine: Vec<_> = work
            .items
            .iter()
            .filter(|i| i.case_id == *id && i.referral_id.is_none())
            .map(|d| (d.milestone, d.due_date))
            .collect();
        let mut hq = national[&id.to_string()].clone();
        page.sort();
        mine.sort();
        hq.sort();
        assert_eq!(page, mine, "case page vs my work for {id}");
        assert_eq!(page, hq, "case page vs national view for {id}");
        if page.iter().any(|(_, d)| *d < today) {
            overdue_cases += 1;
        }
    }
    assert!(
        overdue_cases >= 3,
        "the table has late cases ({overdue_cases})"
    );
    let n = raksa_server::national::compute(&input, today);
    let pl = n.offices.iter().find(|o| o.office == "พล").unwrap();
    assert_eq!(pl.overdue, overdue_cases, "the national overdue count");
    let work_overdue: std::collections::BTreeSet<_> = work
        .items
        .iter()
        .filter(|i| i.state == raksa_core::deadlines::DueState::Overdue && i.referral_id.is_none())
        .map(|i| i.case_id)
        .collect();
    assert_eq!(
        work_overdue.len() as u32,
        overdue_cases,
        "my work's overdue cases"
    );
}

fn visit_on(on: chrono::NaiveDate) -> raksa_core::casework::NewHomeVisit {
    raksa_core::casework::NewHomeVisit {
        visited_on: on,
        visitors: "นักสังคมสงเคราะห์".into(),
        living_conditions: "บ้านไม้ชั้นเดียว".into(),
        findings: "ผู้สูงอายุอยู่ลำพัง".into(),
        opinion: "ควรได้รับเบี้ยยังชีพ".into(),
    }
}

#[test]
fn a_supervisor_settles_a_conflict_and_the_decision_syncs() {
    let tmp = tempfile::tempdir().unwrap();
    let store = Store::open(&format!("sqlite:{}", tmp.path().join("s.db").display())).unwrap();
    let mut a = new_pc(tmp.path(), &store, "a", "พล");
    let mut b = new_pc(tmp.path(), &store, "b", "พล");
    b.s()
        .set_number_block(&raksa_core::numbering::NumberBlock {
            series: raksa_core::numbering::Series::Case,
            first_no: 500_001,
            last_no: 999_999,
            used_this_year: 0,
        })
        .unwrap();
    let s = a.s();
    let p = s
        .register_person(&NewPerson {
            title: "นาย".into(),
            first_name: "สมปอง".into(),
            last_name: "ใจดี".into(),
            identity: raksa_core::identity::Identity::CitizenId {
                number: citizen_id(7),
            },
            birth_date: None,
            sex: Sex::Male,
            phone: String::new(),
            address_text: String::new(),
            subdistrict_code: None,
            postcode: None,
        })
        .unwrap();
    let today = s.today();
    let c = s
        .open_case(&NewCase {
            person_id: p.id,
            channel: IntakeChannel::WalkIn,
            intake_date: today,
            summary: "ร่วมกันดูแล".into(),
            urgency: Urgency::Normal,
            target_groups: vec![],
            problem_domains: vec![],
            reporter: None,
            account: String::new(),
        })
        .unwrap();
    full_sync(&mut a, &store);
    full_sync(&mut b, &store);
    // both reach assessment, then move it differently while offline
    a.s()
        .change_stage(c.id, CaseStatus::FactFinding, "")
        .unwrap();
    a.s()
        .change_stage(c.id, CaseStatus::Assessment, "")
        .unwrap();
    full_sync(&mut a, &store);
    full_sync(&mut b, &store);
    assert_eq!(
        b.s().get_case(c.id).unwrap().case.status,
        CaseStatus::Assessment
    );
    a.s()
        .change_stage(c.id, CaseStatus::Planning, "เครื่อง a: วางแผน")
        .unwrap();
    b.clock.0.store(86_400, Ordering::Relaxed);
    b.s()
        .change_stage(c.id, CaseStatus::FactFinding, "เครื่อง b: สอบข้อเท็จจริงเพิ่ม")
        .unwrap();
    full_sync(&mut a, &store);
    full_sync(&mut b, &store);
    let st = b.s().sync_status().unwrap();
    let conflict = st
        .issues
        .iter()
        .find(|i| i.kind == "conflict")
        .expect("b's status change conflicted with a's");
    let status = conflict
        .fields
        .iter()
        .find(|f| f.field == "status")
        .unwrap();
    assert_eq!(
        (status.mine.as_str(), status.current.as_str()),
        ("fact_finding", "planning")
    );
    // the supervisor on b keeps b's value; the decision travels like any change
    b.s().resolve_conflict(conflict.id, true).unwrap();
    full_sync(&mut b, &store);
    full_sync(&mut a, &store);
    assert_eq!(
        a.s().get_case(c.id).unwrap().case.status,
        CaseStatus::FactFinding
    );
    assert_eq!(
        b.s().get_case(c.id).unwrap().case.status,
        CaseStatus::FactFinding
    );
    assert_eq!(b.s().sync_status().unwrap().conflicts, 0);
}

#[test]
fn a_second_pc_of_an_office_takes_over_the_offices_accounts() {
    let tmp = tempfile::tempdir().unwrap();
    let store = Store::open(&format!("sqlite:{}", tmp.path().join("s.db").display())).unwrap();
    // Both PCs were set up with an administrator called "somchai"; the first one also
    // has a worker.
    let mut first = new_pc_as(tmp.path(), &store, "first", "พล", "somchai");
    let office_admin = first.s().user().id;
    let malee = first
        .s()
        .add_user(&NewUser {
            username: "malee".into(),
            full_name: "นางมาลี ศรีสุข".into(),
            position: "นักสังคมสงเคราะห์ปฏิบัติการ".into(),
            role: Role::CaseWorker,
            password: "รหัสผ่านของมาลี-1".into(),
        })
        .unwrap();
    full_sync(&mut first, &store);
    let mut second = new_pc_as(tmp.path(), &store, "second", "พล", "somchai");
    let own_admin = second.s().user().id;
    assert_ne!(own_admin, office_admin);
    full_sync(&mut second, &store);
    full_sync(&mut first, &store);
    full_sync(&mut second, &store);

    // The second PC's "somchai" now signs in as the office's account.
    second.session = None;
    let s = second.s();
    assert_eq!(s.user().id, office_admin);
    assert_eq!(s.user().role, Role::Admin);
    let users = s.list_users().unwrap();
    let active: Vec<&str> = users
        .iter()
        .filter(|u| u.active)
        .map(|u| u.username.as_str())
        .collect();
    let mut active = active;
    active.sort_unstable();
    assert_eq!(active, ["malee", "somchai"]);
    let yielded = users.iter().find(|u| u.id == own_admin).unwrap();
    assert!(!yielded.active && yielded.username.starts_with("somchai."));
    // the worker exists here but needs a password on this PC before signing in
    let m = users.iter().find(|u| u.id == malee.id).unwrap();
    assert!(m.active && !m.signs_in_here);
    s.set_user_active(malee.id, true, Some("รหัสผ่านที่เครื่องสอง-2"))
        .unwrap();
    let clock = second.clock.clone();
    let as_malee = office::unlock(&second.dir, "malee", "รหัสผ่านที่เครื่องสอง-2", clock).unwrap();
    assert_eq!(as_malee.user().id, malee.id);

    // Nothing was left "not applied", and both PCs hold the same accounts.
    for pc in [&mut first, &mut second] {
        let status = pc.s().sync_status().unwrap();
        assert!(status.issues.is_empty(), "{}: {:?}", pc.name, status.issues);
    }
    let users_of = |pc: &mut Pc| -> Vec<(String, Map<String, Value>)> {
        pc.s()
            .replica_state()
            .unwrap()
            .into_iter()
            .filter(|((t, _), _)| t == "users")
            .map(|((_, id), f)| (id, f))
            .collect()
    };
    full_sync(&mut first, &store);
    full_sync(&mut second, &store);
    full_sync(&mut first, &store);
    assert_eq!(users_of(&mut first), users_of(&mut second));
}

/// The real router on loopback, for tests that go through HTTP.
fn serve(store: Store) -> (String, Arc<raksa_server::api::AppState>) {
    serve_state(raksa_server::api::AppState::new(store, 1e6, 1e6))
}

fn serve_state(state: raksa_server::api::AppState) -> (String, Arc<raksa_server::api::AppState>) {
    let state = Arc::new(state);
    let served = state.clone();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async move {
            let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(l.local_addr().unwrap()).unwrap();
            axum::serve(l, raksa_server::api::router(served))
                .await
                .unwrap();
        });
    });
    (format!("http://{}", rx.recv().unwrap()), state)
}

/// A PC set up and enrolled over HTTP; returns its session and its device on the server.
fn http_pc(
    tmp: &std::path::Path,
    state: &raksa_server::api::AppState,
    url: &str,
    rt: &tokio::runtime::Runtime,
    name: &str,
    office_code: &str,
) -> (std::sync::Mutex<Session>, Device) {
    let clock = Arc::new(SkewClock(AtomicI64::new(0)));
    let (s, _) = office::init_office(
        &DataDir::new(tmp.join(name)),
        &OfficeSetup {
            office_number: "0027".into(),
            name: format!("สำนักงาน {office_code}"),
            address: "ศาลากลางจังหวัด".into(),
            letter_code: office_code.into(),
            phone: "055-252-222".into(),
        },
        &NewUser {
            username: format!("admin_{name}"),
            full_name: format!("เจ้าหน้าที่ {name}"),
            position: "นักสังคมสงเคราะห์".into(),
            role: Role::Admin,
            password: PW.into(),
        },
        clock,
    )
    .unwrap();
    state.store.add_office(office_code, office_code).unwrap();
    let code = state.store.new_enrolment_code(office_code).unwrap();
    let r = rt
        .block_on(raksa_sync::enrol(url, &code, name, s.admin_key_grant()))
        .unwrap();
    let local = std::sync::Mutex::new(s);
    raksa_sync::Local::with(&local, |s| {
        s.set_sync_config(&raksa_core::sync::SyncConfig {
            server_url: url.into(),
            device_id: r.device_id.clone(),
            token: r.token.clone(),
            office: r.office.clone(),
        })
    })
    .unwrap();
    (local, state.store.authenticate(&r.token).unwrap())
}

/// A fresh database on the machine's PostgreSQL, dropped with the guard; `None` when
/// RAKSA_TEST_PG=0.
struct PgDb(String);

impl PgDb {
    fn new(prefix: &str) -> Option<(Store, PgDb)> {
        if std::env::var("RAKSA_TEST_PG").as_deref() == Ok("0") {
            return None;
        }
        let db = format!(
            "{prefix}_{}",
            &uuid::Uuid::now_v7().simple().to_string()[20..]
        );
        let mut admin =
            postgres::Client::connect(&format!("{}/postgres", pg_base()), postgres::NoTls)
                .expect("PostgreSQL at 127.0.0.1:5432 (or RAKSA_TEST_PG=0)");
        admin
            .batch_execute(&format!("CREATE DATABASE {db}"))
            .unwrap();
        Some((
            Store::open(&format!("{}/{db}", pg_base())).unwrap(),
            PgDb(db),
        ))
    }
}

impl Drop for PgDb {
    fn drop(&mut self) {
        if let Ok(mut admin) =
            postgres::Client::connect(&format!("{}/postgres", pg_base()), postgres::NoTls)
        {
            let _ = admin.batch_execute(&format!(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{0}'; DROP DATABASE IF EXISTS {0}",
                self.0
            ));
        }
    }
}

fn pg_base() -> String {
    std::env::var("RAKSA_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

#[test]
fn attachments_reach_the_offices_other_pcs_and_removal_erases_them_everywhere() {
    let tmp = tempfile::tempdir().unwrap();
    let store = Store::open(&format!("sqlite:{}", tmp.path().join("s.db").display())).unwrap();
    attachments_round_trip(tmp.path(), store);
}

#[test]
fn attachments_round_trip_on_postgres() {
    let tmp = tempfile::tempdir().unwrap();
    if let Some((store, _db)) = PgDb::new("raksa_blobs") {
        attachments_round_trip(tmp.path(), store);
    }
}

fn attachments_round_trip(tmp: &std::path::Path, store: Store) {
    use base64::Engine;
    use raksa_sync::Local;
    let (url, state) = serve(store);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (first, _) = http_pc(tmp, &state, &url, &rt, "first", "พล");
    let (second, _) = http_pc(tmp, &state, &url, &rt, "second", "พล");
    let (other, other_device) = http_pc(tmp, &state, &url, &rt, "other", "ชม");
    // a 3 MB scan attached on the first PC
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    png.extend((0..3_000_000).map(|_| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x as u8
    }));
    let info = first
        .with(|s| {
            let p = s.register_person(&NewPerson {
                title: "นาง".into(),
                first_name: "บุญมี".into(),
                last_name: "ทองใบ".into(),
                identity: raksa_core::identity::Identity::CitizenId {
                    number: citizen_id(7),
                },
                birth_date: None,
                sex: Sex::Female,
                phone: String::new(),
                address_text: String::new(),
                subdistrict_code: None,
                postcode: None,
            })?;
            let today = s.today();
            let c = s.open_case(&NewCase {
                person_id: p.id,
                channel: IntakeChannel::WalkIn,
                intake_date: today,
                summary: "ผู้สูงอายุติดเตียง".into(),
                urgency: Urgency::Normal,
                target_groups: vec![TargetGroup::Elderly],
                problem_domains: vec![ProblemDomain::Care],
                reporter: None,
                account: String::new(),
            })?;
            s.add_attachment(c.id, "documents.files", "ทะเบียนบ้าน.png", &png)
        })
        .unwrap();
    let report = rt.block_on(raksa_sync::sync_once(&first)).unwrap();
    assert_eq!(report.rejected, 0);
    rt.block_on(raksa_sync::sync_once(&second)).unwrap();
    // the record came first, the bytes with the same cycle; identical
    let got = second.with(|s| s.attachment(info.id)).unwrap();
    assert_eq!(
        base64::engine::general_purpose::STANDARD
            .decode(got.data_base64)
            .unwrap(),
        png
    );
    // another office can neither see the record nor fetch the bytes
    rt.block_on(raksa_sync::sync_once(&other)).unwrap();
    assert!(matches!(
        other.with(|s| s.attachment(info.id)),
        Err(CoreError::NotFound)
    ));
    let sha = raksa_protocol::sha256_hex(&png);
    assert!(state.store.blob(&other_device, &sha).is_err());
    // bytes no record announced are refused
    assert!(state.store.put_blob(&other_device, &sha, &png).is_err());

    // removed on the second PC: gone from the server and from the first PC
    second
        .with(|s| s.remove_attachment(info.id, "แนบผิดคน"))
        .unwrap();
    rt.block_on(raksa_sync::sync_once(&second)).unwrap();
    rt.block_on(raksa_sync::sync_once(&first)).unwrap();
    assert!(matches!(
        first.with(|s| s.attachment(info.id)),
        Err(CoreError::NotFound)
    ));
    let devices = state.store.devices().unwrap();
    let pl = devices.iter().find(|d| d.office == "พล").unwrap();
    assert!(
        state.store.blob(pl, &sha).is_err(),
        "the server erased the bytes"
    );
}

/// Issue 13 §1: a correction travels as a field change. Two PCs of one office correct the
/// same person while apart — one the surname and sub-district, the other the phone — and
/// after syncing both hold all three changes (the server's field merge), both corrections'
/// history, and find the person by the new surname.
#[test]
fn corrections_made_on_two_pcs_merge_field_by_field_and_their_history_syncs() {
    use raksa_core::correction::{CorrectionBasis, PersonCorrection};
    let tmp = tempfile::tempdir().unwrap();
    let store = Store::open(&format!("sqlite:{}", tmp.path().join("s.db").display())).unwrap();
    let mut a = new_pc(tmp.path(), &store, "a", "พล");
    let mut b = new_pc(tmp.path(), &store, "b", "พล");
    let new = NewPerson {
        title: "นาง".into(),
        first_name: "มาลี".into(),
        last_name: "วงสุวรรณ".into(),
        identity: raksa_core::identity::Identity::CitizenId {
            number: citizen_id(11),
        },
        birth_date: None,
        sex: Sex::Female,
        phone: String::new(),
        address_text: "12 หมู่ 3".into(),
        subdistrict_code: None,
        postcode: None,
    };
    let p = a.s().register_person(&new).unwrap();
    full_sync(&mut a, &store);
    full_sync(&mut b, &store);
    let fix = |person: NewPerson, reason: &str| PersonCorrection {
        person,
        death_date: None,
        reason: reason.into(),
        basis: CorrectionBasis::Staff,
        request: None,
    };
    a.s()
        .correct_person(
            p.id,
            &fix(
                NewPerson {
                    last_name: "วงศ์สุวรรณ".into(),
                    subdistrict_code: Some("650101".into()),
                    ..new.clone()
                },
                "นามสกุลสะกดผิด; ย้ายบ้าน",
            ),
        )
        .unwrap();
    b.clock.0.store(60, Ordering::Relaxed);
    b.s()
        .correct_person(
            p.id,
            &fix(
                NewPerson {
                    phone: "089-111-2222".into(),
                    ..new.clone()
                },
                "เบอร์โทรศัพท์ใหม่",
            ),
        )
        .unwrap();
    for _ in 0..2 {
        full_sync(&mut a, &store);
        full_sync(&mut b, &store);
    }
    for pc in [&mut a, &mut b] {
        let name = pc.name;
        let s = pc.s();
        let got = s.get_person(p.id).unwrap().person;
        assert_eq!(
            (
                got.last_name.as_str(),
                got.subdistrict_code.as_deref(),
                got.phone.as_str()
            ),
            ("วงศ์สุวรรณ", Some("650101"), "089-111-2222"),
            "PC {name}"
        );
        assert_eq!(s.person_corrections(p.id).unwrap().len(), 2, "PC {name}");
        let found = s.search_people("วงศ์สุวรรณ", 10).unwrap();
        assert_eq!(found.len(), 1, "PC {name}");
        assert_eq!(s.sync_status().unwrap().conflicts, 0, "PC {name}");
    }
}

/// Issue 14 §10: who opened a person's record reaches the server with the rest of the
/// office's work, and stays there as it was chained — rewriting the PC's trail afterwards
/// (with the database key, past the triggers) changes nothing on the server, and the
/// other PC of the office never receives this PC's trail.
#[test]
fn the_audit_trail_reaches_the_server_and_a_later_rewrite_on_the_pc_does_not() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("s.db");
    let store = Store::open(&format!("sqlite:{}", path.display())).unwrap();
    let mut a = new_pc(tmp.path(), &store, "a", "พล");
    let mut b = new_pc(tmp.path(), &store, "b", "พล");
    let p = a
        .s()
        .register_person(&NewPerson {
            title: "เด็กหญิง".into(),
            first_name: "เมย์".into(),
            last_name: "ใจดี".into(),
            identity: raksa_core::identity::Identity::CitizenId {
                number: citizen_id(21),
            },
            birth_date: None,
            sex: Sex::Female,
            phone: String::new(),
            address_text: String::new(),
            subdistrict_code: None,
            postcode: None,
        })
        .unwrap();
    a.s().get_person(p.id).unwrap();
    full_sync(&mut a, &store);
    full_sync(&mut b, &store);
    let kept = |store: &Store| -> Vec<Value> {
        store
            .all_records_of("audit_log")
            .unwrap()
            .into_iter()
            .map(|(_, f)| serde_json::from_str(&f).unwrap())
            .collect()
    };
    let on_server = kept(&store);
    let opened = on_server
        .iter()
        .find(|e| e["entity_id"] == p.id.to_string().as_str() && e["action"] == "read")
        .expect("the reading of the record is on the server")
        .clone();
    // b's own trail holds only b's entries
    let b_trail = b.s().audit_entries(10_000).unwrap();
    assert!(
        b_trail
            .iter()
            .all(|e| e.entity_id.as_deref() != Some(&p.id.to_string()) || e.action != "read")
    );
    // an insider with the key rewrites a's trail after the upload and queues the rewrite
    a.session = None;
    let (key, _) = office::open_with_recovery_key(&a.dir, &a.recovery_key, &*a.clock).unwrap();
    let raw = raksa_core::db::open(&a.dir.db_path(), &key).unwrap();
    let hash = opened["hash"].as_str().unwrap().to_owned();
    raw.execute_batch("DROP TRIGGER audit_log_no_update;")
        .unwrap();
    raw.execute(
        "UPDATE audit_log SET detail = 'nothing to see' WHERE hash = ?1",
        [&hash],
    )
    .unwrap();
    let mut forged = opened.clone();
    forged["detail"] = Value::String("nothing to see".into());
    raw.execute(
        "INSERT INTO outbox (entity, record_id, fields, base, queued_at)
         VALUES ('audit_log', ?1, ?2, NULL, '2026-11-23T04:00:00Z')",
        rusqlite::params![hash, forged.to_string()],
    )
    .unwrap();
    drop(raw);
    full_sync(&mut a, &store);
    let again = kept(&store);
    let same = again.iter().find(|e| e["hash"] == opened["hash"]).unwrap();
    assert_eq!(
        same["detail"], opened["detail"],
        "the server keeps what was chained"
    );
}

/// An administrator's account nobody at the office made (for the attacks below).
fn made_up_admin(id: &str, username: &str, full_name: &str) -> Map<String, Value> {
    let mut user = Map::new();
    for (k, v) in [
        ("id", id),
        ("username", username),
        ("full_name", full_name),
        ("position", "ไม่มี"),
        ("role", "admin"),
        ("created_at", "2026-01-01T00:00:00Z"),
        ("password_changed_at", "2026-01-01T00:00:00Z"),
        ("signed_at", "2026-01-01T00:00:00Z"),
    ] {
        user.insert(k.into(), Value::String(v.into()));
    }
    user.insert("active".into(), Value::from(1));
    user
}

/// Issue 14 §1, the attack as a case worker would make it: open `raksa.db` with the key
/// their own password unwraps, make themselves administrator, and let the outbox trigger
/// queue it. The server refuses the unsigned change, a made-up account that would win the
/// user-name clash, and a change signed by a key the office never trusted; the other PC
/// never sees any of them. A real administrator's change goes through.
#[test]
fn a_case_worker_cannot_make_themselves_administrator_through_sync() {
    use raksa_protocol::signed::AdminSigner;
    let tmp = tempfile::tempdir().unwrap();
    let store = Store::open(&format!("sqlite:{}", tmp.path().join("s.db").display())).unwrap();
    let mut first = new_pc_as(tmp.path(), &store, "first", "พล", "somchai");
    let worker_pw = "รหัสผ่านของมาลี-2569";
    let malee = first
        .s()
        .add_user(&NewUser {
            username: "malee".into(),
            full_name: "นางมาลี ศรีสุข".into(),
            position: "นักสังคมสงเคราะห์ปฏิบัติการ".into(),
            role: Role::CaseWorker,
            password: worker_pw.into(),
        })
        .unwrap();
    full_sync(&mut first, &store);
    let mut second = new_pc_as(tmp.path(), &store, "second", "พล", "wichai");
    full_sync(&mut second, &store);
    full_sync(&mut first, &store);
    first.session = None;

    // The worker opens the database file with the key their password unwraps.
    let slots = raksa_core::keyslots::KeySlotsFile::load(&first.dir.keyslots_path()).unwrap();
    let lookup = raksa_core::keyslots::username_lookup(slots.office_id, "malee");
    let key = slots
        .user_slot(&lookup)
        .unwrap()
        .open(slots.office_id, worker_pw.as_bytes())
        .unwrap();
    // 3. the same, signed with a key of the worker's own making
    let rogue = AdminSigner::from_seed(&[7u8; 32]);
    let mut forged = made_up_admin(
        "00000000-0000-7000-8000-000000000002",
        "somchai.y",
        "ผู้แอบอ้าง",
    );
    forged.insert(
        "signing_keys".into(),
        Value::String(format!("[\"{}\"]", rogue.public())),
    );
    let sig = rogue.sign(
        raksa_protocol::Entity::Users,
        "00000000-0000-7000-8000-000000000002",
        &forged,
    );
    forged.insert("signature".into(), Value::String(sig));

    {
        let conn = raksa_core::db::open(&first.dir.db_path(), &key).unwrap();
        // 1. promote themselves
        conn.execute(
            "UPDATE users SET role = 'admin' WHERE id = ?1",
            [malee.id.to_string()],
        )
        .unwrap();
        // 2. a made-up account with the administrator's user name and a lower id
        let office_admin: String = conn
            .query_row("SELECT id FROM users WHERE username = 'somchai'", [], |r| {
                r.get(0)
            })
            .unwrap();
        conn.execute(
            "INSERT INTO users (id, username, full_name, position, role, active, created_at,
                                password_changed_at, signed_at)
             VALUES ('00000000-0000-7000-8000-000000000001', 'somchai.x', 'ผู้แอบอ้าง', 'ไม่มี',
                     'admin', 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z',
                     '2026-01-01T00:00:00Z')",
            [],
        )
        .unwrap();
        let _ = office_admin;
        // 3. an account signed with a key of the worker's own making
        let f = |k: &str| forged[k].as_str().map(str::to_owned);
        conn.execute(
            "INSERT INTO users (id, username, full_name, position, role, active, created_at,
                                password_changed_at, signing_keys, signed_at, signature)
             VALUES (?1, ?7, ?2, ?3, 'admin', 1, ?4, ?4, ?5, ?4, ?6)",
            rusqlite::params![
                f("id"),
                f("full_name"),
                f("position"),
                f("created_at"),
                f("signing_keys"),
                f("signature"),
                f("username")
            ],
        )
        .unwrap();
    }
    let mut as_worker =
        office::unlock(&first.dir, "malee", worker_pw, first.clock.clone()).unwrap();
    let mutations = as_worker.outbox_batch(50).unwrap();
    let mutations_sent = mutations.clone();
    let r = store
        .push(
            &first.device,
            &PushRequest {
                protocol: PROTOCOL_VERSION,
                mutations,
            },
        )
        .unwrap();
    as_worker.apply_push_response(&mutations_sent, &r).unwrap();
    // Every account change of this batch is refused: the promotion, the made-up account,
    // the key the tampered "administrator" issued itself at sign-in, the forged signature.
    let sent: std::collections::HashMap<u64, raksa_protocol::Entity> =
        mutations_sent.iter().map(|m| (m.seq, m.entity)).collect();
    let mut refused = 0;
    for item in &r.results {
        if sent[&item.seq] != raksa_protocol::Entity::Users {
            continue;
        }
        let raksa_protocol::Outcome::Rejected { reason } = &item.outcome else {
            panic!("an account change was accepted: {item:?}");
        };
        assert!(
            reason.contains("ลายมือชื่อ") || reason.contains("กุญแจ"),
            "{reason}"
        );
        refused += 1;
    }
    assert!(refused >= 3, "{:?}", r.results);
    drop(as_worker);

    // The other PC still has malee as a worker and no impostor.
    full_sync(&mut second, &store);
    let users = second.s().list_users().unwrap();
    assert_eq!(
        users.iter().find(|u| u.id == malee.id).unwrap().role,
        Role::CaseWorker
    );
    assert!(users.iter().all(|u| u.full_name != "ผู้แอบอ้าง"));

    // A real administrator's change is accepted and reaches the other PC.
    let mut s = office::unlock(&first.dir, "somchai", PW, first.clock.clone()).unwrap();
    s.set_user_active(malee.id, false, None).unwrap();
    first.session = Some(s);
    // the tampered rows were answered; the administrator's change goes next
    full_sync(&mut first, &store);
    full_sync(&mut second, &store);
    let users = second.s().list_users().unwrap();
    assert!(!users.iter().find(|u| u.id == malee.id).unwrap().active);
}

/// The PC's side: a server (or an edited server database) cannot hand a PC an account
/// or a deadline rule no trusted administrator signed.
#[test]
fn a_pc_refuses_accounts_and_rules_no_trusted_administrator_signed() {
    use raksa_protocol::signed::AdminSigner;
    let tmp = tempfile::tempdir().unwrap();
    let store = Store::open(&format!("sqlite:{}", tmp.path().join("s.db").display())).unwrap();
    let mut pc = new_pc_as(tmp.path(), &store, "first", "พล", "somchai");
    full_sync(&mut pc, &store);
    let rogue = AdminSigner::from_seed(&[9u8; 32]);
    let mut user = made_up_admin("00000000-0000-7000-8000-000000000003", "intruder", "ผู้บุกรุก");
    let unsigned = user.clone();
    let sig = rogue.sign(
        raksa_protocol::Entity::Users,
        "00000000-0000-7000-8000-000000000003",
        &user,
    );
    user.insert("signature".into(), Value::String(sig));
    let mut rule = serde_json::Map::new();
    for (k, v) in [
        ("milestone", "first_contact"),
        ("urgency", "normal"),
        ("effective_from", "2026-01-01"),
        ("reference", ""),
        ("created_at", "2026-01-01T00:00:00Z"),
    ] {
        rule.insert(k.into(), Value::String(v.into()));
    }
    rule.insert("days".into(), Value::from(366));
    let record = |entity, id: &str, fields: serde_json::Map<String, Value>, position| {
        raksa_protocol::RecordState {
            entity,
            record_id: id.into(),
            office: "พล".into(),
            fields,
            position,
        }
    };
    let page = raksa_protocol::PullResponse {
        records: vec![
            record(
                raksa_protocol::Entity::Users,
                "00000000-0000-7000-8000-000000000003",
                user,
                10_000,
            ),
            record(
                raksa_protocol::Entity::Users,
                "00000000-0000-7000-8000-000000000004",
                {
                    let mut u = unsigned;
                    u.insert("id".into(), "00000000-0000-7000-8000-000000000004".into());
                    u.insert("username".into(), "intruder2".into());
                    u
                },
                10_001,
            ),
            record(
                raksa_protocol::Entity::DeadlineRules,
                "first_contact/normal/2026-01-01",
                rule,
                10_002,
            ),
        ],
        next_cursor: 10_002,
        more: false,
        admin_keys: Vec::new(),
    };
    pc.s().apply_pull(&page).unwrap();
    let users = pc.s().list_users().unwrap();
    assert!(
        users.iter().all(|u| !u.username.starts_with("intruder")),
        "{users:?}"
    );
    let issues = pc.s().sync_status().unwrap().issues;
    assert_eq!(issues.len(), 3, "{issues:?}");
}

/// A register of `n` people with a case each, as the office's import takes it.
fn register_csv(n: usize, from: u64) -> String {
    let mut csv = String::from("คำนำหน้า,ชื่อ,นามสกุล,เลขประจำตัวประชาชน,วันที่รับเรื่อง,สรุปเรื่อง\n");
    for i in 0..n {
        csv.push_str(&format!(
            "นาง,บุญมี{i},ทองใบ,{},{}/{}/2569,ขาดรายได้\n",
            citizen_id(from + i as u64),
            1 + i % 28,
            1 + i % 10
        ));
    }
    csv
}

fn import(local: &std::sync::Mutex<Session>, csv: &str) {
    raksa_sync::Local::with(local, |s| {
        let preview = s.import_preview(csv.as_bytes())?;
        let decisions = preview.decide_all(false);
        s.import_commit(csv.as_bytes(), &decisions)
    })
    .unwrap();
}

/// Issue 17: after an outage a busy server answers 429/503 with Retry-After; one
/// `sync --once` cycle must still send the whole backlog and take in everything, waiting
/// as asked (before: the cycle stopped at the first such answer with "wait 1 s").
#[test]
fn one_cycle_sends_a_whole_backlog_through_a_server_that_asks_to_wait() {
    use raksa_sync::Local;
    let tmp = tempfile::tempdir().unwrap();
    let store = Store::open(&format!("sqlite:{}", tmp.path().join("s.db").display())).unwrap();
    // one request a second per device, no burst: every request after the first is told
    // to come back in a second
    let (url, state) = serve_state(raksa_server::api::AppState::new(store, 1.0, 1.0));
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (pc, _) = http_pc(tmp.path(), &state, &url, &rt, "busy", "พล");
    import(&pc, &register_csv(600, 500));
    let queued = u64::from(pc.with(|s| s.sync_status()).unwrap().pending);
    assert!(queued > 3 * raksa_protocol::MAX_BATCH as u64, "{queued}");
    let seen = std::sync::Mutex::new(Vec::new());
    let progress = |p: raksa_sync::Progress| seen.lock().unwrap().push(p);
    let r = rt
        .block_on(raksa_sync::sync_with_progress(&pc, &progress))
        .expect("the cycle waits out the server's answers instead of failing");
    assert!(r.pushed >= queued, "{} of {queued}", r.pushed);
    let st = pc.with(|s| s.sync_status()).unwrap();
    assert_eq!(st.pending, 0);
    assert_eq!(st.last_error, None);
    let seen = seen.into_inner().unwrap();
    assert!(
        seen.iter()
            .any(|p| matches!(p, raksa_sync::Progress::Waiting { seconds: 1 })),
        "{seen:?}"
    );
    assert!(
        seen.iter().any(
            |p| matches!(p, raksa_sync::Progress::Pushed { done, queued } if *done == r.pushed && *queued == r.pushed)
        ),
        "{seen:?}"
    );
}

/// Issue 17: a second PC joining an office that already has work gets all of it in its
/// first cycle, searchable at once; the first PC is not sent its own changes back.
#[test]
fn a_second_pc_joining_an_office_gets_everything_and_the_first_gets_nothing_back() {
    use raksa_sync::Local;
    let tmp = tempfile::tempdir().unwrap();
    let store = Store::open(&format!("sqlite:{}", tmp.path().join("s.db").display())).unwrap();
    let (url, state) = serve(store);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (first, _) = http_pc(tmp.path(), &state, &url, &rt, "first", "พล");
    import(&first, &register_csv(700, 900));
    let queued = u64::from(first.with(|s| s.sync_status()).unwrap().pending);
    let r = rt.block_on(raksa_sync::sync_once(&first)).unwrap();
    assert!(r.pushed >= queued);
    assert_eq!(r.pulled, 0, "its own changes are not sent back to it");
    let (second, _) = http_pc(tmp.path(), &state, &url, &rt, "second", "พล");
    let r = rt.block_on(raksa_sync::sync_once(&second)).unwrap();
    assert!(r.pulled as u64 >= 3 * 700, "{}", r.pulled);
    let found = second.with(|s| s.search_cases("บุญมี123", 10)).unwrap();
    assert_eq!(found.len(), 1);
    let d = second.with(|s| s.dashboard()).unwrap();
    assert_eq!(d.open_cases, 700);
    // the kept due dates of pulled cases agree with the work list (issue 17)
    let late = second
        .with(|s| s.work_list(false))
        .unwrap()
        .items
        .iter()
        .filter(|i| i.state == raksa_core::deadlines::DueState::Overdue)
        .map(|i| i.case_id)
        .collect::<std::collections::HashSet<_>>()
        .len();
    assert_eq!(d.overdue_cases as usize, late);
    assert!(late > 0, "the register's cases were taken in months ago");
    // and the first PC sees the second's account, not its own records again
    let r = rt.block_on(raksa_sync::sync_once(&first)).unwrap();
    assert!(r.pulled < 10, "{}", r.pulled);
}
