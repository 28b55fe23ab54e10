//! The inboxes each role works (PRODUCT.md §4) and the statuses they hold.

use crate::domain::{string_enum, Role};
use crate::status::Status;

string_enum! {
    /// A queue of cases. Which inboxes exist depends on the role.
    Inbox {
        // Merchant inboxes.
        Open = "open",
        Parked = "parked",
        Approved = "approved",
        Rejected = "rejected",
        Platform = "platform",
        // Merchant view: the open cases the signed-in agent holds.
        HeldByMe = "held_by_me",
        // Merchant view: the open cases with a prepared (drafted, unsent) decision.
        Prepared = "prepared",
        // Customer inbox.
        Mine = "mine",
        // Support inboxes: the platform's cases by why it has them, then all.
        PlatformReview = "platform_review",
        Escalated = "escalated",
        Disputes = "disputes",
        All = "all",
    }
}

impl Inbox {
    /// The inboxes a role sees, in navigation order; the first is its home.
    pub const fn for_role(role: Role) -> &'static [Inbox] {
        match role {
            Role::Merchant => &[
                Inbox::Open,
                Inbox::Parked,
                Inbox::Approved,
                Inbox::Rejected,
                Inbox::Platform,
                Inbox::HeldByMe,
                Inbox::Prepared,
            ],
            Role::Customer => &[Inbox::Mine],
            Role::Support => &[
                Inbox::PlatformReview,
                Inbox::Escalated,
                Inbox::Disputes,
                Inbox::All,
            ],
        }
    }

    /// The statuses this inbox lists; empty means every status.
    pub const fn statuses(self) -> &'static [Status] {
        match self {
            Inbox::Open => &[Status::Submitted, Status::AwaitingMerchant],
            Inbox::Parked => &[Status::AwaitingCustomer, Status::AwaitingReturn],
            Inbox::Approved => &[Status::Resolved],
            Inbox::Rejected => &[Status::Rejected],
            Inbox::Platform | Inbox::PlatformReview | Inbox::Escalated | Inbox::Disputes => {
                &[Status::PlatformReview]
            }
            Inbox::HeldByMe | Inbox::Prepared => &[
                Status::Submitted,
                Status::AwaitingMerchant,
                Status::AwaitingCustomer,
                Status::AwaitingReturn,
            ],
            Inbox::Mine | Inbox::All => &[],
        }
    }

    /// Which of the platform's cases a support inbox holds (by
    /// `PlatformReason`); `None` for every other inbox.
    pub const fn platform_reason(self) -> Option<crate::PlatformReason> {
        match self {
            Inbox::PlatformReview => Some(crate::PlatformReason::Routed),
            Inbox::Escalated => Some(crate::PlatformReason::Escalated),
            Inbox::Disputes => Some(crate::PlatformReason::Disputed),
            _ => None,
        }
    }

    /// Views cut across the inboxes (a case in "Held by me" or "Prepared"
    /// is also in Open or Parked); inboxes partition the cases.
    pub const fn is_view(self) -> bool {
        matches!(self, Inbox::HeldByMe | Inbox::Prepared)
    }

    /// Whether `role` may open this inbox.
    pub fn visible_to(self, role: Role) -> bool {
        Inbox::for_role(role).contains(&self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_has_exactly_one_merchant_inbox() {
        for status in Status::ALL {
            let homes: Vec<_> = Inbox::for_role(Role::Merchant)
                .iter()
                .filter(|i| !i.is_view() && i.statuses().contains(status))
                .collect();
            assert_eq!(homes.len(), 1, "{status} is in {homes:?}");
        }
    }

    #[test]
    fn prepared_is_a_merchant_view_of_open_cases_after_held_by_me() {
        let merchant = Inbox::for_role(Role::Merchant);
        let held = merchant.iter().position(|i| *i == Inbox::HeldByMe);
        let prepared = merchant.iter().position(|i| *i == Inbox::Prepared);
        assert_eq!(prepared, held.map(|h| h + 1));
        assert!(Inbox::Prepared.is_view());
        assert_eq!(Inbox::Prepared.statuses(), Inbox::HeldByMe.statuses());
        assert!(Inbox::Prepared.statuses().iter().all(|s| s.is_open()));
        assert_eq!("prepared".parse::<Inbox>(), Ok(Inbox::Prepared));
    }

    #[test]
    fn inboxes_per_role() {
        let table = [
            (Inbox::Open, Role::Merchant, true),
            (Inbox::Open, Role::Customer, false),
            (Inbox::Mine, Role::Customer, true),
            (Inbox::Mine, Role::Support, false),
            (Inbox::PlatformReview, Role::Support, true),
            (Inbox::Escalated, Role::Support, true),
            (Inbox::Disputes, Role::Support, true),
            (Inbox::Disputes, Role::Merchant, false),
            (Inbox::Escalated, Role::Customer, false),
            (Inbox::All, Role::Merchant, false),
            (Inbox::Prepared, Role::Merchant, true),
            (Inbox::Prepared, Role::Customer, false),
            (Inbox::Prepared, Role::Support, false),
        ];
        for (inbox, role, expected) in table {
            assert_eq!(inbox.visible_to(role), expected, "{inbox} for {role}");
        }
    }
}
