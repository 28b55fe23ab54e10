//! What a user may see: the one place that turns a role into a SQL filter on
//! cases, so no handler can forget it.

use sqlx::{QueryBuilder, Sqlite};

use crate::auth::CurrentUser;
use claimdesk_shared::Role;

/// The slice of the data a user may see.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// A merchant agent: the cases on its merchant's orders.
    Merchant(i64),
    /// A customer: their own cases.
    Customer(i64),
    /// Support: every case of its marketplace.
    Marketplace(i64),
}

impl Scope {
    pub fn of(user: &CurrentUser) -> Scope {
        match (user.role(), user.merchant_id) {
            (Role::Merchant, Some(merchant)) => Scope::Merchant(merchant),
            // The schema guarantees merchants have a merchant; should one
            // not, they see nothing rather than a marketplace.
            (Role::Merchant, None) => Scope::Merchant(-1),
            (Role::Customer, _) => Scope::Customer(user.id),
            (Role::Support, _) => Scope::Marketplace(user.marketplace_id),
        }
    }

    /// Appends the condition restricting cases aliased `c` to this scope.
    pub fn push_case_filter(self, qb: &mut QueryBuilder<'_, Sqlite>) {
        let (column, id) = match self {
            Scope::Merchant(id) => ("c.merchant_id = ", id),
            Scope::Customer(id) => ("c.customer_id = ", id),
            Scope::Marketplace(id) => ("c.marketplace_id = ", id),
        };
        qb.push(column).push_bind(id);
    }
}
