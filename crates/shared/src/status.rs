//! The case status machine (PRODUCT.md §4): which action moves a case from
//! which status to which, and who may take it. Both the backend (which
//! enforces it) and the SPA (which offers only allowed actions) read this.

use crate::domain::{string_enum, Role};

string_enum! {
    /// Where a case stands.
    Status {
        Submitted = "submitted",
        AwaitingMerchant = "awaiting_merchant",
        AwaitingCustomer = "awaiting_customer",
        AwaitingReturn = "awaiting_return",
        PlatformReview = "platform_review",
        Resolved = "resolved",
        Rejected = "rejected",
    }
}

impl Status {
    /// Closed cases are final for the merchant.
    pub const fn is_closed(self) -> bool {
        matches!(self, Status::Resolved | Status::Rejected)
    }

    /// Open cases block the order's payout.
    pub const fn is_open(self) -> bool {
        !self.is_closed()
    }

    /// Whether the merchant's response clock runs in this status.
    pub const fn clock_running(self) -> bool {
        matches!(self, Status::Submitted | Status::AwaitingMerchant)
    }
}

/// Something that happens to a case and may change its status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaseAction {
    /// The merchant (or support) writes to the customer: the case parks.
    MessageToCustomer,
    /// The customer writes: the merchant owes a response.
    CustomerReply,
    /// Approve with a refund or replacement: closes in the customer's favour.
    ApproveAndClose,
    /// Approve with a return label: parks until the parcel arrives.
    ApproveWithReturn,
    /// The returned parcel arrived: refund and close.
    ReturnReceived,
    /// Decline the claim with a reason.
    Reject,
    /// The customer accepts a proposal or says the problem is solved.
    CustomerResolves,
    /// The customer disputes a rejection (within 14 days).
    Dispute,
    /// The response clock ran out above the auto-refund cap.
    Escalate,
    /// The response clock ran out at or below the cap.
    AutoRefund,
    /// Fourteen days awaiting the customer without a reply.
    NoReplyTimeout,
    /// Support gives a platform case back to the merchant to answer.
    HandBack,
}

/// Why an action is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransitionError {
    /// The case is closed and this role cannot act on it any more.
    Closed,
    /// This role may not take this action.
    NotAllowed,
    /// The action makes no sense in the current status.
    InvalidInStatus,
}

impl Status {
    /// The status after `action` taken by `role`, or why it is refused.
    pub fn apply(self, action: CaseAction, role: Role) -> Result<Status, TransitionError> {
        use CaseAction as A;
        use Status as S;
        let by_desk = matches!(role, Role::Merchant | Role::Support);
        // The merchant only acts on cases it handles; platform review belongs
        // to support.
        if role == Role::Merchant && self == S::PlatformReview {
            return Err(TransitionError::NotAllowed);
        }
        match action {
            A::Dispute => match (role, self) {
                (Role::Customer, S::Rejected) => Ok(S::PlatformReview),
                (Role::Customer, _) => Err(TransitionError::InvalidInStatus),
                _ => Err(TransitionError::NotAllowed),
            },
            _ if self.is_closed() => Err(TransitionError::Closed),
            A::MessageToCustomer if by_desk => Ok(match self {
                // Writing while the platform reviews keeps it with the platform.
                S::PlatformReview => S::PlatformReview,
                // A return in transit stays parked on the parcel.
                S::AwaitingReturn => S::AwaitingReturn,
                _ => S::AwaitingCustomer,
            }),
            A::CustomerReply if role == Role::Customer => Ok(match self {
                S::PlatformReview | S::AwaitingReturn => self,
                _ => S::AwaitingMerchant,
            }),
            A::ApproveAndClose | A::Reject if by_desk => Ok(match action {
                A::Reject => S::Rejected,
                _ => S::Resolved,
            }),
            A::ApproveWithReturn if by_desk => match self {
                S::AwaitingReturn => Err(TransitionError::InvalidInStatus),
                _ => Ok(S::AwaitingReturn),
            },
            A::ReturnReceived if by_desk => match self {
                S::AwaitingReturn => Ok(S::Resolved),
                _ => Err(TransitionError::InvalidInStatus),
            },
            A::CustomerResolves if role == Role::Customer => Ok(S::Resolved),
            // The system acts with the support role: it is the platform's clock.
            A::Escalate | A::AutoRefund if role == Role::Support => {
                if self.clock_running() {
                    Ok(if action == A::Escalate {
                        S::PlatformReview
                    } else {
                        S::Resolved
                    })
                } else {
                    Err(TransitionError::InvalidInStatus)
                }
            }
            A::HandBack if role == Role::Support => match self {
                S::PlatformReview => Ok(S::AwaitingMerchant),
                _ => Err(TransitionError::InvalidInStatus),
            },
            A::NoReplyTimeout if role == Role::Support => match self {
                S::AwaitingCustomer => Ok(S::Rejected),
                _ => Err(TransitionError::InvalidInStatus),
            },
            _ => Err(TransitionError::NotAllowed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use CaseAction as A;
    use Role::{Customer as C, Merchant as M, Support as P};
    use Status as S;
    use TransitionError as E;

    fn check(from: Status, action: CaseAction, role: Role, expected: Result<Status, E>) {
        assert_eq!(
            from.apply(action, role),
            expected,
            "{from} {action:?} by {role}"
        );
    }

    #[test]
    fn transitions() {
        let table = [
            (
                S::Submitted,
                A::MessageToCustomer,
                M,
                Ok(S::AwaitingCustomer),
            ),
            (
                S::AwaitingMerchant,
                A::MessageToCustomer,
                M,
                Ok(S::AwaitingCustomer),
            ),
            (
                S::AwaitingReturn,
                A::MessageToCustomer,
                M,
                Ok(S::AwaitingReturn),
            ),
            (
                S::AwaitingCustomer,
                A::CustomerReply,
                C,
                Ok(S::AwaitingMerchant),
            ),
            (S::Submitted, A::CustomerReply, C, Ok(S::AwaitingMerchant)),
            (
                S::PlatformReview,
                A::CustomerReply,
                C,
                Ok(S::PlatformReview),
            ),
            (S::Submitted, A::ApproveAndClose, M, Ok(S::Resolved)),
            (S::AwaitingCustomer, A::Reject, M, Ok(S::Rejected)),
            (S::Submitted, A::ApproveWithReturn, M, Ok(S::AwaitingReturn)),
            (
                S::AwaitingReturn,
                A::ApproveWithReturn,
                M,
                Err(E::InvalidInStatus),
            ),
            (S::AwaitingReturn, A::ReturnReceived, M, Ok(S::Resolved)),
            (S::Submitted, A::ReturnReceived, M, Err(E::InvalidInStatus)),
            (S::AwaitingCustomer, A::CustomerResolves, C, Ok(S::Resolved)),
            (S::Rejected, A::Dispute, C, Ok(S::PlatformReview)),
            (S::Resolved, A::Dispute, C, Err(E::InvalidInStatus)),
            (S::Rejected, A::Dispute, M, Err(E::NotAllowed)),
            (S::Submitted, A::Escalate, P, Ok(S::PlatformReview)),
            (S::AwaitingMerchant, A::AutoRefund, P, Ok(S::Resolved)),
            (
                S::AwaitingCustomer,
                A::AutoRefund,
                P,
                Err(E::InvalidInStatus),
            ),
            (S::AwaitingCustomer, A::NoReplyTimeout, P, Ok(S::Rejected)),
            (
                S::AwaitingMerchant,
                A::NoReplyTimeout,
                P,
                Err(E::InvalidInStatus),
            ),
            (S::PlatformReview, A::Reject, P, Ok(S::Rejected)),
            (S::PlatformReview, A::ApproveAndClose, P, Ok(S::Resolved)),
            (
                S::PlatformReview,
                A::MessageToCustomer,
                P,
                Ok(S::PlatformReview),
            ),
        ];
        for (from, action, role, expected) in table {
            check(from, action, role, expected);
        }
    }

    #[test]
    fn refusals() {
        let table = [
            // Closed cases cannot be reopened by anyone but a disputing customer.
            (S::Resolved, A::MessageToCustomer, M, Err(E::Closed)),
            (S::Rejected, A::ApproveAndClose, M, Err(E::Closed)),
            (S::Resolved, A::Reject, P, Err(E::Closed)),
            (S::Rejected, A::CustomerReply, C, Err(E::Closed)),
            // Platform review is read-only for the merchant.
            (S::PlatformReview, A::ApproveAndClose, M, Err(E::NotAllowed)),
            (
                S::PlatformReview,
                A::MessageToCustomer,
                M,
                Err(E::NotAllowed),
            ),
            // Customers cannot decide; merchants cannot speak for the customer.
            (S::Submitted, A::ApproveAndClose, C, Err(E::NotAllowed)),
            (S::Submitted, A::Reject, C, Err(E::NotAllowed)),
            (S::AwaitingCustomer, A::CustomerReply, M, Err(E::NotAllowed)),
            (
                S::AwaitingCustomer,
                A::CustomerResolves,
                M,
                Err(E::NotAllowed),
            ),
            // Only the platform's clock escalates or refunds automatically.
            (S::Submitted, A::Escalate, M, Err(E::NotAllowed)),
            (S::Submitted, A::AutoRefund, C, Err(E::NotAllowed)),
        ];
        for (from, action, role, expected) in table {
            check(from, action, role, expected);
        }
    }

    #[test]
    fn open_and_clock() {
        for s in Status::ALL {
            assert_eq!(s.is_open(), !s.is_closed());
        }
        let running: Vec<_> = Status::ALL.iter().filter(|s| s.clock_running()).collect();
        assert_eq!(running, [&S::Submitted, &S::AwaitingMerchant]);
    }
}
