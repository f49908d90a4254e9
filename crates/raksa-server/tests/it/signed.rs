//! Issue 14 §1 on the server, both backends: accounts and deadline rules change only
//! under the signature of an administrator key the office trusts now — one presented with
//! a one-time enrolment code, or listed on an active administrator's account. Replays of
//! an older signed state, keys of a deactivated administrator and keys nobody vouched for
//! are refused; a user's own password date needs no administrator.

use raksa_protocol::signed::AdminSigner;
use raksa_protocol::{AdminKeyGrant, Entity, Mutation, Outcome, PROTOCOL_VERSION, PushRequest};
use raksa_server::store::{Device, Store};
use serde_json::{Map, Value, json};

use crate::*;

struct Office<'a> {
    store: &'a Store,
    device: Device,
    seq: u64,
}

impl Office<'_> {
    fn push(&mut self, entity: Entity, id: &str, fields: Map<String, Value>) -> Outcome {
        self.seq += 1;
        let m = Mutation::new(self.seq, entity, id.into(), fields, None);
        let r = self
            .store
            .push(
                &self.device,
                &PushRequest {
                    protocol: PROTOCOL_VERSION,
                    mutations: vec![m],
                },
            )
            .unwrap();
        r.results[0].outcome.clone()
    }
}

fn account(
    n: u32,
    role: &str,
    active: bool,
    keys: &[&AdminSigner],
    at: &str,
) -> Map<String, Value> {
    let keys: Vec<String> = keys.iter().map(|k| k.public()).collect();
    fields_of(&json!({
        "id": id(n), "username": format!("user{n}"), "full_name": format!("ผู้ใช้ {n}"),
        "position": "นักสังคมสงเคราะห์", "role": role, "active": i64::from(active),
        "created_at": "2026-11-01T00:00:00Z", "created_by": null,
        "password_changed_at": "2026-11-01T00:00:00Z",
        "signing_keys": if keys.is_empty() { Value::Null } else { Value::String(serde_json::to_string(&keys).unwrap()) },
        "signed_at": at,
    }))
}

fn signed(
    by: &AdminSigner,
    entity: Entity,
    id: &str,
    mut f: Map<String, Value>,
) -> Map<String, Value> {
    let s = by.sign(entity, id, &f);
    f.insert("signature".into(), Value::String(s));
    f
}

fn applied(o: &Outcome) -> bool {
    matches!(o, Outcome::Applied | Outcome::Duplicate)
}

fn enrolled<'a>(store: &'a Store, office: &str, admin: Option<(u32, &AdminSigner)>) -> Office<'a> {
    store.add_office(office, office).ok();
    let code = store.new_enrolment_code(office).unwrap();
    let grant = admin.map(|(n, k)| AdminKeyGrant {
        user_id: id(n),
        key: k.public(),
    });
    let r = store.enrol_with_admin(&code, "pc", grant.as_ref()).unwrap();
    Office {
        store,
        device: store.authenticate(&r.token).unwrap(),
        seq: 0,
    }
}

#[test]
fn account_and_rule_changes_need_a_trusted_administrators_signature() {
    for b in backends() {
        let ka = AdminSigner::from_seed(&[1; 32]);
        let kb = AdminSigner::from_seed(&[2; 32]);
        let rogue = AdminSigner::from_seed(&[3; 32]);
        let mut pc = enrolled(&b.store, "พล", Some((1, &ka)));
        let u = |n| id(n);

        // The enrolling administrator's own account, signed by the enrolled key.
        let a1 = account(1, "admin", true, &[&ka], "2026-11-01T00:00:01Z");
        assert!(
            applied(&pc.push(Entity::Users, &u(1), signed(&ka, Entity::Users, &u(1), a1))),
            "{}",
            b.name
        );
        // A worker, created by the administrator.
        let w1 = signed(
            &ka,
            Entity::Users,
            &u(2),
            account(2, "case_worker", true, &[], "2026-11-01T00:00:02Z"),
        );
        assert!(applied(&pc.push(Entity::Users, &u(2), w1.clone())));

        // The worker promoted without a signature, with the old signature, by a rogue key.
        let mut promoted = account(2, "admin", true, &[], "2026-11-01T00:00:03Z");
        let o = pc.push(Entity::Users, &u(2), promoted.clone());
        assert!(matches!(o, Outcome::Rejected { .. }), "unsigned: {o:?}");
        promoted.insert("signature".into(), w1["signature"].clone());
        let o = pc.push(Entity::Users, &u(2), promoted.clone());
        assert!(
            matches!(o, Outcome::Rejected { .. }),
            "old signature: {o:?}"
        );
        let o = pc.push(
            Entity::Users,
            &u(2),
            signed(
                &rogue,
                Entity::Users,
                &u(2),
                account(2, "admin", true, &[&rogue], "2026-11-01T00:00:03Z"),
            ),
        );
        assert!(matches!(o, Outcome::Rejected { .. }), "rogue key: {o:?}");

        // The worker's own password date: no administrator needed.
        let mut pw = w1.clone();
        pw.insert("password_changed_at".into(), "2026-11-02T00:00:00Z".into());
        assert!(applied(&pc.push(Entity::Users, &u(2), pw)));

        // A second administrator, listed with their key by the first.
        let b3 = signed(
            &ka,
            Entity::Users,
            &u(3),
            account(3, "admin", true, &[&kb], "2026-11-01T00:00:04Z"),
        );
        assert!(applied(&pc.push(Entity::Users, &u(3), b3)));
        // A replay: the worker's first signed state sent again after a later one.
        let later = signed(
            &kb,
            Entity::Users,
            &u(2),
            account(2, "supervisor", true, &[], "2026-11-01T00:00:05Z"),
        );
        assert!(applied(&pc.push(Entity::Users, &u(2), later)));
        let o = pc.push(Entity::Users, &u(2), w1.clone());
        assert!(matches!(o, Outcome::Rejected { .. }), "replay: {o:?}");

        // The first administrator deactivated by the second: their key stops counting,
        // the enrolment that vouched for it too.
        let off = signed(
            &kb,
            Entity::Users,
            &u(1),
            account(1, "admin", false, &[&ka], "2026-11-01T00:00:06Z"),
        );
        assert!(applied(&pc.push(Entity::Users, &u(1), off)));
        let o = pc.push(
            Entity::Users,
            &u(2),
            signed(
                &ka,
                Entity::Users,
                &u(2),
                account(2, "admin", true, &[], "2026-11-01T00:00:07Z"),
            ),
        );
        assert!(
            matches!(o, Outcome::Rejected { .. }),
            "deactivated administrator's key: {o:?}"
        );
        assert_eq!(b.store.trusted_admin_keys("พล").unwrap(), vec![kb.public()]);

        // Deadline rules: unsigned refused, signed by a trusted key taken.
        let rule = fields_of(&json!({
            "milestone": "first_contact", "urgency": "normal", "days": 1,
            "effective_from": "2027-01-01", "reference": "", "created_by": u(3),
            "created_at": "2026-11-01T00:00:08Z"
        }));
        let rid = "first_contact/normal/2027-01-01";
        let o = pc.push(Entity::DeadlineRules, rid, rule.clone());
        assert!(
            matches!(o, Outcome::Rejected { .. }),
            "unsigned rule: {o:?}"
        );
        assert!(applied(&pc.push(
            Entity::DeadlineRules,
            rid,
            signed(&kb, Entity::DeadlineRules, rid, rule)
        )));

        // A PC enrolled without an administrator's key vouches for nothing.
        let mut other = enrolled(&b.store, "พล", None);
        let o = other.push(
            Entity::Users,
            &u(9),
            signed(
                &rogue,
                Entity::Users,
                &u(9),
                account(9, "admin", true, &[&rogue], "2026-11-01T00:00:09Z"),
            ),
        );
        assert!(matches!(o, Outcome::Rejected { .. }), "self-vouched: {o:?}");
        // …and another office's administrator signs nothing here.
        let mut foreign = enrolled(&b.store, "สท", Some((20, &rogue)));
        assert!(applied(&foreign.push(
            Entity::Users,
            &id(20),
            signed(
                &rogue,
                Entity::Users,
                &id(20),
                account(20, "admin", true, &[&rogue], "2026-11-01T00:00:10Z")
            )
        )));
        let o = pc.push(
            Entity::Users,
            &u(2),
            signed(
                &rogue,
                Entity::Users,
                &u(2),
                account(2, "admin", true, &[], "2026-11-01T00:00:11Z"),
            ),
        );
        assert!(
            matches!(o, Outcome::Rejected { .. }),
            "another office's key: {o:?}"
        );

        // What a PC is told to check pulled history against: every key ever trusted.
        let page = b.store.pull(&reader(&pc.device), 0, 100).unwrap();
        let mut keys = page.admin_keys.clone();
        keys.sort();
        let mut want = vec![ka.public(), kb.public()];
        want.sort();
        assert_eq!(keys, want, "{}", b.name);
    }
}
