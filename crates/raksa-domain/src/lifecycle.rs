//! The case lifecycle, as pure rules the session enforces (the UI only mirrors them):
//!
//! ```text
//! intake → fact_finding → assessment → planning ⇒ intervention ⇄ follow_up
//!            ↑_____________|   ↑__________|         (⇒ needs an approved plan)
//! any open stage ⇒ closed (needs an approved closure request) → reopen → assessment
//! ```
//!
//! Steps back one stage are allowed where more work is needed (assessment → fact-finding,
//! planning → assessment, follow-up → intervention). Closing and starting the plan happen
//! only through a supervisor's approval, never by a plain stage change.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::model::CaseStatus;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ApprovalKind {
    /// The care / household plan, before intervention starts.
    Plan,
    /// Closing the case with an outcome.
    Closure,
}

impl ApprovalKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ApprovalKind::Plan => "plan",
            ApprovalKind::Closure => "closure",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "plan" => Some(ApprovalKind::Plan),
            "closure" => Some(ApprovalKind::Closure),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransitionError {
    /// Not a move the lifecycle allows from this stage.
    NotAllowed,
    /// Closing or starting the plan must go through approval.
    NeedsApproval(ApprovalKind),
    /// The case is closed: reopen it first.
    Closed,
}

/// Stages a plain stage change may move to from `from`.
pub fn next_stages(from: CaseStatus) -> &'static [CaseStatus] {
    use CaseStatus::*;
    match from {
        Intake => &[FactFinding],
        FactFinding => &[Assessment],
        Assessment => &[Planning, FactFinding],
        Planning => &[Assessment],
        Intervention => &[FollowUp],
        FollowUp => &[Intervention],
        Closed => &[],
    }
}

/// Checks a plain stage change.
pub fn check_stage_change(from: CaseStatus, to: CaseStatus) -> Result<(), TransitionError> {
    if from == CaseStatus::Closed {
        return Err(TransitionError::Closed);
    }
    if to == CaseStatus::Closed {
        return Err(TransitionError::NeedsApproval(ApprovalKind::Closure));
    }
    if from == CaseStatus::Planning && to == CaseStatus::Intervention {
        return Err(TransitionError::NeedsApproval(ApprovalKind::Plan));
    }
    if next_stages(from).contains(&to) {
        Ok(())
    } else {
        Err(TransitionError::NotAllowed)
    }
}

/// Which approvals may be requested at a stage.
pub fn can_request(stage: CaseStatus, kind: ApprovalKind) -> bool {
    match kind {
        ApprovalKind::Plan => stage == CaseStatus::Planning,
        ApprovalKind::Closure => stage != CaseStatus::Closed,
    }
}

/// The stage an approved request moves the case to.
pub fn after_approval(kind: ApprovalKind) -> CaseStatus {
    match kind {
        ApprovalKind::Plan => CaseStatus::Intervention,
        ApprovalKind::Closure => CaseStatus::Closed,
    }
}

/// Where a reopened case starts again.
pub const REOPEN_STAGE: CaseStatus = CaseStatus::Assessment;
