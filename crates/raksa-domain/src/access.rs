//! Need-to-know on sensitive cases (issue 14 §6). A case about violence, abuse,
//! exploitation or trafficking (the safety problem domain), or one flagged by hand, is
//! visible in detail only to the worker responsible for it, supervisors and
//! administrators. Anyone else sees that the case exists — its number, stage, urgency and
//! who holds it, so a duplicate is still caught — and may open it only by
//! *break-the-glass*: a stated reason, recorded, audited and shown to the supervisors.

use uuid::Uuid;

use crate::model::{ProblemDomain, Role};

/// How long one break-the-glass opening lasts for that user and case.
pub const BREAK_GLASS_HOURS: i64 = 12;
/// The shortest reason accepted (a sentence, not "ok").
pub const MIN_REASON_CHARS: usize = 10;

/// Sensitive by its problems, or by hand.
pub fn is_sensitive(flagged: bool, problems: &[ProblemDomain]) -> bool {
    flagged || problems.contains(&ProblemDomain::Safety)
}

/// The facts of a case that decide who may read it.
#[derive(Debug, Clone, Copy)]
pub struct CaseAccess<'a> {
    pub flagged: bool,
    pub problems: &'a [ProblemDomain],
    pub assigned_to: Option<Uuid>,
    pub created_by: Uuid,
}

/// The worker responsible: the assigned one, or while nobody is, who opened the case.
pub fn responsible(case: &CaseAccess) -> Uuid {
    case.assigned_to.unwrap_or(case.created_by)
}

/// Whether `viewer` (a user of the office with `role`) must state a reason to read the case.
pub fn needs_reason(viewer: Uuid, role: Role, case: &CaseAccess) -> bool {
    is_sensitive(case.flagged, case.problems)
        && !matches!(role, Role::Supervisor | Role::Admin)
        && responsible(case) != viewer
}

/// Who may mark a case sensitive (the responsible worker, supervisors, administrators),
/// and who may take the mark off again (supervisors and administrators only).
pub fn may_flag(viewer: Uuid, role: Role, case: &CaseAccess, sensitive: bool) -> bool {
    match role {
        Role::Supervisor | Role::Admin => true,
        Role::CaseWorker => sensitive && responsible(case) == viewer,
    }
}

/// A reason for breaking the glass, trimmed; `None` when too short to mean anything.
pub fn reason(text: &str) -> Option<String> {
    let t: String = text.trim().chars().take(500).collect();
    (t.chars().count() >= MIN_REASON_CHARS).then_some(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_responsible_worker_and_supervisors_read_a_sensitive_case() {
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        let safety = [ProblemDomain::Safety, ProblemDomain::Family];
        let case = CaseAccess {
            flagged: false,
            problems: &safety,
            assigned_to: Some(a),
            created_by: b,
        };
        assert!(!needs_reason(a, Role::CaseWorker, &case));
        assert!(
            needs_reason(b, Role::CaseWorker, &case),
            "opened it, no longer holds it"
        );
        assert!(!needs_reason(b, Role::Supervisor, &case));
        assert!(!needs_reason(b, Role::Admin, &case));
        let unassigned = CaseAccess {
            assigned_to: None,
            ..case
        };
        assert!(!needs_reason(b, Role::CaseWorker, &unassigned));
        let income = [ProblemDomain::Income];
        let plain = CaseAccess {
            problems: &income,
            ..case
        };
        assert!(!needs_reason(b, Role::CaseWorker, &plain));
        let flagged = CaseAccess {
            flagged: true,
            ..plain
        };
        assert!(needs_reason(b, Role::CaseWorker, &flagged));
        assert!(may_flag(a, Role::CaseWorker, &plain, true));
        assert!(!may_flag(a, Role::CaseWorker, &flagged, false));
        assert!(!may_flag(b, Role::CaseWorker, &plain, true));
        assert!(may_flag(b, Role::Supervisor, &flagged, false));
        assert_eq!(reason("  ok "), None);
        assert!(reason("ผู้รับผิดชอบลาป่วย ญาติโทรแจ้งเหตุซ้ำ").is_some());
    }
}
