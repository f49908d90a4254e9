//! The case timeline's entries as data: one type for every entry, written by the office
//! PC and by the central server (a receiving office's answer to a referral) and read by
//! both through this type, so the two can never drift apart.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::lifecycle::ApprovalKind;
use crate::model::*;

/// One entry of a case's timeline. Stored as JSON in `case_events.body`.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum CaseEventBody {
    Opened {
        channel: IntakeChannel,
    },
    StageChanged {
        from: CaseStatus,
        to: CaseStatus,
        reason: String,
    },
    Assigned {
        to_user: Uuid,
        to_name: String,
    },
    Note {
        text: String,
    },
    HomeVisit {
        #[ts(type = "string")]
        visited_on: NaiveDate,
        visitors: String,
        living_conditions: String,
        findings: String,
        opinion: String,
    },
    Assistance {
        #[ts(type = "string")]
        given_on: NaiveDate,
        form: AssistanceForm,
        description: String,
        /// Whole baht; none for goods or services without a value.
        amount_baht: Option<u32>,
        /// Scheme or budget it was paid from.
        funding: String,
    },
    ApprovalRequested {
        approval: ApprovalKind,
        outcome: Option<ClosureOutcome>,
        reason: String,
    },
    ApprovalDecided {
        approval: ApprovalKind,
        approved: bool,
        comment: String,
    },
    Reopened {
        reason: String,
    },
    Correction {
        text: String,
    },
    FactFindingSubmitted {
        form_id: String,
        form_version: u32,
    },
    FactFindingReopened {
        reason: String,
    },
    AttachmentAdded {
        file_name: String,
        size: u32,
    },
    AttachmentRemoved {
        file_name: String,
        reason: String,
    },
    PlanItemAdded {
        plan: PlanKind,
        goal: String,
        #[ts(type = "string")]
        due_on: NaiveDate,
    },
    PlanItemUpdated {
        goal: String,
        status: PlanItemStatus,
        note: String,
    },
    ReferralChanged {
        agency: String,
        to: ReferralStatus,
        letter_no: Option<String>,
        note: String,
        /// Set when another office answered through the central server: that office and
        /// the person who answered (the entry is theirs, not the sender's worker's).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        answered_by: Option<String>,
    },
    /// HuSEC (ศรส.) staff opened the identity of the person in this case on the central
    /// server, with the reason they gave (written by the server, pulled by the office).
    CentralAccess {
        by: String,
        reason: String,
    },
    /// A welfare-rights screening with the rules it used (see `welfare`).
    WelfareScreened {
        screening: crate::welfare::WelfareScreening,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum AssistanceForm {
    Money,
    Goods,
    Service,
}

impl CaseEventBody {
    pub fn kind(&self) -> &'static str {
        match self {
            CaseEventBody::Opened { .. } => "opened",
            CaseEventBody::StageChanged { .. } => "stage_changed",
            CaseEventBody::Assigned { .. } => "assigned",
            CaseEventBody::Note { .. } => "note",
            CaseEventBody::HomeVisit { .. } => "home_visit",
            CaseEventBody::Assistance { .. } => "assistance",
            CaseEventBody::ApprovalRequested { .. } => "approval_requested",
            CaseEventBody::ApprovalDecided { .. } => "approval_decided",
            CaseEventBody::Reopened { .. } => "reopened",
            CaseEventBody::Correction { .. } => "correction",
            CaseEventBody::FactFindingSubmitted { .. } => "fact_finding_submitted",
            CaseEventBody::FactFindingReopened { .. } => "fact_finding_reopened",
            CaseEventBody::AttachmentAdded { .. } => "attachment_added",
            CaseEventBody::AttachmentRemoved { .. } => "attachment_removed",
            CaseEventBody::PlanItemAdded { .. } => "plan_item_added",
            CaseEventBody::PlanItemUpdated { .. } => "plan_item_updated",
            CaseEventBody::ReferralChanged { .. } => "referral_changed",
            CaseEventBody::WelfareScreened { .. } => "welfare_screened",
            CaseEventBody::CentralAccess { .. } => "central_access",
        }
    }
}
