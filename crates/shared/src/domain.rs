//! The closed vocabularies of the domain (PRODUCT.md §1–§4). Each is stored and
//! sent as its snake_case name, so the database, the wire and the SPA agree.

/// Declares a string-backed enum with `ALL`, `as_str` and `FromStr`, so every
/// vocabulary parses and prints the same way in the database and on the wire.
macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every value, in the order the product lists them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable snake_case name used in storage, URLs and JSON.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl std::str::FromStr for $name {
            type Err = crate::domain::UnknownValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err(crate::domain::UnknownValue),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use string_enum;

/// A name outside a vocabulary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnknownValue;

impl std::fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("unknown value")
    }
}

impl std::error::Error for UnknownValue {}

string_enum! {
    /// Who is signed in; decides what they may see and do.
    Role { Merchant = "merchant", Customer = "customer", Support = "support" }
}

string_enum! {
    /// The three errand types of Reclaimit.
    Kind { Regret = "regret", Missing = "missing", Complaint = "complaint" }
}

string_enum! {
    /// Why the customer claims.
    Reason {
        ChangedMind = "changed_mind",
        Damaged = "damaged",
        Defective = "defective",
        MissingItems = "missing_items",
        WrongGoods = "wrong_goods",
        NotAsDescribed = "not_as_described",
        InvoiceIncorrect = "invoice_incorrect",
        DeliveryLate = "delivery_late",
        Other = "other",
    }
}

impl Reason {
    /// The reasons a marketplace lets its merchants handle unless its policy
    /// says otherwise; any other reason goes straight to the platform.
    pub const MERCHANT_HANDLED_BY_DEFAULT: &'static [Reason] = &[
        Reason::ChangedMind,
        Reason::Damaged,
        Reason::Defective,
        Reason::MissingItems,
        Reason::WrongGoods,
        Reason::NotAsDescribed,
    ];

    /// The kind a customer's reason implies when they do not pick one.
    pub const fn default_kind(self) -> Kind {
        match self {
            Reason::ChangedMind => Kind::Regret,
            Reason::MissingItems | Reason::DeliveryLate => Kind::Missing,
            _ => Kind::Complaint,
        }
    }
}

impl Kind {
    /// The reasons a case of this kind may give (PRODUCT.md §3): a regret
    /// is the right of withdrawal, a missing case is an item or shipment
    /// that did not arrive (or arrived late), a complaint is about the goods
    /// or the invoice; `other` fits every kind. Every reason fits its
    /// `default_kind`.
    pub const fn reasons(self) -> &'static [Reason] {
        match self {
            Kind::Regret => &[Reason::ChangedMind, Reason::Other],
            Kind::Missing => &[Reason::MissingItems, Reason::DeliveryLate, Reason::Other],
            Kind::Complaint => &[
                Reason::Damaged,
                Reason::Defective,
                Reason::WrongGoods,
                Reason::NotAsDescribed,
                Reason::InvoiceIncorrect,
                Reason::Other,
            ],
        }
    }
}

impl Reason {
    /// Whether a case of `kind` may give this reason (`Kind::reasons`).
    pub fn fits(self, kind: Kind) -> bool {
        kind.reasons().contains(&self)
    }
}

string_enum! {
    /// Who decides the case.
    Handler { Merchant = "merchant", Platform = "platform" }
}

impl Handler {
    /// Who handles a case with `reason` on a marketplace whose merchants
    /// handle `merchant_reasons` themselves (its policy, PRODUCT.md §3):
    /// the merchant, or straight away the platform.
    pub fn for_reason(reason: Reason, merchant_reasons: &[Reason]) -> Handler {
        if merchant_reasons.contains(&reason) {
            Handler::Merchant
        } else {
            Handler::Platform
        }
    }
}

string_enum! {
    /// Why the platform handles a case (`platform_review`): a reason the
    /// marketplace keeps, a response time run out above the auto-refund
    /// cap, or a rejection the customer disputed. Support's inboxes split
    /// on it.
    PlatformReason { Routed = "routed", Escalated = "escalated", Disputed = "disputed" }
}

string_enum! {
    /// A customer's verdict on the support a case got.
    RatingScore { Up = "up", Down = "down" }
}

/// How long after a rejection the customer may dispute it, in days.
pub const DISPUTE_DAYS: i64 = 14;
/// How long after rating the customer may change the rating, in days.
pub const RATING_CHANGE_DAYS: i64 = 7;

string_enum! {
    /// Whether the marketplace pays the merchant for the order yet.
    Payout { Pending = "pending", Blocked = "blocked", Released = "released" }
}

string_enum! {
    /// The languages claimdesk speaks.
    Locale { En = "en", Sv = "sv", Nl = "nl" }
}

/// How long before a response deadline it counts as "runs out soon": the
/// merchant's warning email, the chip's warning colour and the inbox filter.
pub const BREACH_WARNING_HOURS: i64 = 12;

string_enum! {
    /// How an inbox list is ordered.
    CaseSort {
        /// Soonest response deadline first (cases without one last): the
        /// Open inbox's default.
        Deadline = "deadline",
        /// Most recently reported first: every other inbox's default.
        Newest = "newest",
        Oldest = "oldest",
        /// Highest claimed value first.
        Value = "value"
    }
}

string_enum! {
    /// Whether a customer buys as a consumer or as a retailer (B2B).
    CustomerKind { Consumer = "consumer", Retailer = "retailer" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_round_trips_through_its_name() {
        fn check<T: std::str::FromStr + Copy + PartialEq + std::fmt::Debug + std::fmt::Display>(
            all: &[T],
        ) {
            for v in all {
                assert_eq!(v.to_string().parse::<T>().ok(), Some(*v));
            }
        }
        check(Role::ALL);
        check(Kind::ALL);
        check(Reason::ALL);
        check(Handler::ALL);
        check(Payout::ALL);
        check(Locale::ALL);
        assert!("Merchant".parse::<Role>().is_err());
        assert_eq!(Reason::ALL.len(), 9);
    }

    #[test]
    fn default_merchant_reasons_are_the_first_six() {
        assert_eq!(Reason::MERCHANT_HANDLED_BY_DEFAULT, &Reason::ALL[..6]);
    }

    #[test]
    fn reasons_fit_kinds() {
        for &reason in Reason::ALL {
            assert!(reason.fits(reason.default_kind()), "{reason}");
            assert!(
                Kind::ALL.iter().any(|&k| reason.fits(k)),
                "{reason} fits no kind"
            );
        }
        let table = [
            (Reason::ChangedMind, Kind::Regret, true),
            (Reason::ChangedMind, Kind::Complaint, false),
            (Reason::ChangedMind, Kind::Missing, false),
            (Reason::Damaged, Kind::Complaint, true),
            (Reason::Damaged, Kind::Regret, false),
            (Reason::Damaged, Kind::Missing, false),
            (Reason::MissingItems, Kind::Missing, true),
            (Reason::MissingItems, Kind::Complaint, false),
            (Reason::DeliveryLate, Kind::Missing, true),
            (Reason::DeliveryLate, Kind::Regret, false),
            (Reason::InvoiceIncorrect, Kind::Complaint, true),
            (Reason::WrongGoods, Kind::Missing, false),
            (Reason::Other, Kind::Regret, true),
            (Reason::Other, Kind::Missing, true),
            (Reason::Other, Kind::Complaint, true),
        ];
        for (reason, kind, fits) in table {
            assert_eq!(reason.fits(kind), fits, "{reason} for {kind}");
        }
    }

    #[test]
    fn reasons_outside_the_policy_go_to_the_platform() {
        let policy = Reason::MERCHANT_HANDLED_BY_DEFAULT;
        for &reason in Reason::ALL {
            let expected = if policy.contains(&reason) {
                Handler::Merchant
            } else {
                Handler::Platform
            };
            assert_eq!(Handler::for_reason(reason, policy), expected, "{reason}");
        }
        assert_eq!(
            Handler::for_reason(Reason::InvoiceIncorrect, &[Reason::InvoiceIncorrect]),
            Handler::Merchant
        );
        assert_eq!(Handler::for_reason(Reason::Damaged, &[]), Handler::Platform);
    }

    #[test]
    fn reasons_imply_a_kind() {
        let table = [
            (Reason::ChangedMind, Kind::Regret),
            (Reason::MissingItems, Kind::Missing),
            (Reason::DeliveryLate, Kind::Missing),
            (Reason::Damaged, Kind::Complaint),
            (Reason::WrongGoods, Kind::Complaint),
            (Reason::InvoiceIncorrect, Kind::Complaint),
        ];
        for (reason, kind) in table {
            assert_eq!(reason.default_kind(), kind, "{reason}");
        }
    }
}

string_enum! {
    /// How a case ended (or, for a return label, how it is meant to end).
    Outcome {
        Refund = "refund",
        Replacement = "replacement",
        ReturnLabel = "return_label",
        ReturnRefund = "return_refund",
        ProposalAccepted = "proposal_accepted",
        AutoRefund = "auto_refund",
        Rejected = "rejected",
        /// The customer marked the problem solved.
        CustomerResolved = "customer_resolved",
    }
}

string_enum! {
    /// What an entry of a case's audit trail records.
    EventKind {
        CaseCreated = "case_created",
        MessageAdded = "message_added",
        NoteAdded = "note_added",
        StatusChanged = "status_changed",
        DecisionMade = "decision_made",
        ReturnReceived = "return_received",
        Held = "held",
        Released = "released",
        TakenOver = "taken_over",
        FreeReturnOn = "free_return_on",
        FreeReturnOff = "free_return_off",
        /// A decision was drafted (the "concept"), not sent.
        DecisionPrepared = "decision_prepared",
        /// The drafted decision was thrown away.
        PreparedDiscarded = "prepared_discarded",
        /// The desk proposed something in the chat for the customer to accept.
        ProposalMade = "proposal_made",
        /// The customer accepted the desk's proposal.
        ProposalAccepted = "proposal_accepted",
        /// The customer said the problem is solved.
        CustomerResolved = "customer_resolved",
        /// The customer rated the support (or changed the rating).
        Rated = "rated",
        /// The customer disputed the rejection: the platform decides.
        Disputed = "disputed",
        /// Support handed the case back to the merchant, with a note.
        HandedBack = "handed_back",
    }
}
