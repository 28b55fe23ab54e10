//! Who is acting: the signed-in user, as every layer sees them (the HTTP
//! edge resolves them from a session in `auth.rs`).

use claimdesk_shared::{Locale, Role};

/// The signed-in user. Taking it as a handler argument makes the route
/// require a session; its fields are what every authorisation check needs.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CurrentUser {
    pub id: i64,
    pub name: String,
    pub email: String,
    #[sqlx(try_from = "String")]
    pub role: RoleColumn,
    #[sqlx(try_from = "String")]
    pub locale: LocaleColumn,
    pub marketplace_id: i64,
    pub merchant_id: Option<i64>,
}

impl CurrentUser {
    pub fn role(&self) -> Role {
        self.role.0
    }
    pub fn locale(&self) -> Locale {
        self.locale.0
    }
}

/// A role read from the database.
#[derive(Clone, Copy, Debug)]
pub struct RoleColumn(pub Role);
impl TryFrom<String> for RoleColumn {
    type Error = claimdesk_shared::domain::UnknownValue;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse().map(RoleColumn)
    }
}

/// A locale read from the database.
#[derive(Clone, Copy, Debug)]
pub struct LocaleColumn(pub Locale);
impl TryFrom<String> for LocaleColumn {
    type Error = claimdesk_shared::domain::UnknownValue;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse().map(LocaleColumn)
    }
}
