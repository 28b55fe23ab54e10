//! What a user may see: the one place that turns a role into a SQL filter on
//! cases, so no handler can forget it.

use sqlx::{QueryBuilder, Sqlite};

use crate::user::CurrentUser;
use claimdesk_shared::Role;

/// Whose a case is: the columns the scope filters on, for deciding
/// without a query whether a user may see it (the live updates). Read
/// straight from a row with these three columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct CaseOwners {
    pub merchant_id: i64,
    pub customer_id: i64,
    pub marketplace_id: i64,
}

/// The slice of the data a user may see.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
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

    /// Whether a case owned by `case` is in this scope: the same rule as
    /// `push_case_filter`, on values already in memory.
    pub fn sees(self, case: CaseOwners) -> bool {
        match self {
            Scope::Merchant(id) => case.merchant_id == id,
            Scope::Customer(id) => case.customer_id == id,
            Scope::Marketplace(id) => case.marketplace_id == id,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `sees` and `push_case_filter` agree on every scope and case.
    #[tokio::test]
    async fn sees_agrees_with_the_sql_filter() {
        use sqlx::Connection;
        // One connection: each in-memory database belongs to its connection.
        let mut db = sqlx::SqliteConnection::connect("sqlite::memory:")
            .await
            .unwrap();
        sqlx::query("CREATE TABLE cases (id INTEGER PRIMARY KEY, merchant_id INTEGER, customer_id INTEGER, marketplace_id INTEGER)")
            .execute(&mut db)
            .await
            .unwrap();
        let mut cases = Vec::new();
        for (id, (merchant_id, customer_id, marketplace_id)) in
            [(1, 10, 1), (1, 11, 1), (2, 10, 1), (3, 12, 2)]
                .into_iter()
                .enumerate()
        {
            sqlx::query("INSERT INTO cases VALUES ($1, $2, $3, $4)")
                .bind(id as i64)
                .bind(merchant_id)
                .bind(customer_id)
                .bind(marketplace_id)
                .execute(&mut db)
                .await
                .unwrap();
            cases.push((
                id as i64,
                CaseOwners {
                    merchant_id,
                    customer_id,
                    marketplace_id,
                },
            ));
        }
        let scopes = [1, 2, 3, 10, 11, 12, -1].into_iter().flat_map(|id| {
            [
                Scope::Merchant(id),
                Scope::Customer(id),
                Scope::Marketplace(id),
            ]
        });
        for scope in scopes {
            let mut qb = QueryBuilder::<Sqlite>::new("SELECT c.id FROM cases c WHERE ");
            scope.push_case_filter(&mut qb);
            qb.push(" ORDER BY c.id");
            let by_sql: Vec<i64> = qb.build_query_scalar().fetch_all(&mut db).await.unwrap();
            let by_memory: Vec<i64> = cases
                .iter()
                .filter(|(_, owners)| scope.sees(*owners))
                .map(|(id, _)| *id)
                .collect();
            assert_eq!(by_sql, by_memory, "{scope:?}");
        }
    }
}
