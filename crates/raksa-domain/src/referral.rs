//! Referral rules: which status a referral may move to from which, and which of those
//! moves belong to the receiving agency's answer. The office PC checks a worker's change
//! with these; the central server checks a receiving office's reply with the same ones.

use crate::model::ReferralStatus;

/// The moves a recorded change may make (sending goes through `send_referral`).
pub fn allowed(from: ReferralStatus) -> &'static [ReferralStatus] {
    use ReferralStatus::*;
    match from {
        Draft => &[Withdrawn],
        Sent => &[Received, Accepted, Declined, Withdrawn],
        Received => &[Accepted, Declined, Withdrawn],
        Accepted => &[ServiceDelivered, FeedbackReceived, Closed],
        Declined => &[Closed],
        ServiceDelivered => &[FeedbackReceived, Closed],
        FeedbackReceived => &[Closed],
        Closed | Withdrawn => &[],
    }
}

/// Still waiting for the agency's answer.
pub fn awaiting_reply(s: ReferralStatus) -> bool {
    matches!(s, ReferralStatus::Sent)
}

/// The statuses a receiving office may answer with (the sender records the others).
pub const REPLY_STATUSES: [ReferralStatus; 5] = [
    ReferralStatus::Received,
    ReferralStatus::Accepted,
    ReferralStatus::Declined,
    ReferralStatus::ServiceDelivered,
    ReferralStatus::FeedbackReceived,
];

/// Whether a receiving office may move a referral now at `from` to `to`: an answer status,
/// and a move the lifecycle allows (so nothing reopens a closed or withdrawn referral).
pub fn reply_allowed(from: ReferralStatus, to: ReferralStatus) -> bool {
    REPLY_STATUSES.contains(&to) && allowed(from).contains(&to)
}

/// Whether an answer with status `to` is the agency's first reply (sets `replied_on`).
pub fn is_first_answer(to: ReferralStatus) -> bool {
    matches!(
        to,
        ReferralStatus::Received | ReferralStatus::Accepted | ReferralStatus::Declined
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use ReferralStatus::*;

    #[test]
    fn a_closed_or_withdrawn_referral_cannot_be_answered() {
        for to in REPLY_STATUSES {
            assert!(!reply_allowed(Closed, to), "closed → {to:?}");
            assert!(!reply_allowed(Withdrawn, to), "withdrawn → {to:?}");
        }
        assert!(reply_allowed(Sent, Received));
        assert!(reply_allowed(Sent, Accepted));
        assert!(reply_allowed(Accepted, ServiceDelivered));
        assert!(!reply_allowed(Accepted, Received), "no step back");
        assert!(
            !reply_allowed(Sent, Withdrawn),
            "the sender's move, not an answer"
        );
        assert!(!reply_allowed(Draft, Accepted), "a draft was never sent");
    }
}
