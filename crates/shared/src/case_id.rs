//! The readable case id (`C-10234`) people quote on the phone and in emails.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A case's number, shown and parsed as `C-<number>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CaseId(pub i64);

impl fmt::Display for CaseId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "C-{}", self.0)
    }
}

/// Why a text is not a case id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParseCaseIdError;

impl fmt::Display for ParseCaseIdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a case id looks like C-10234")
    }
}

impl std::error::Error for ParseCaseIdError {}

impl FromStr for CaseId {
    type Err = ParseCaseIdError;

    /// Accepts `C-10234`, `c-10234` and the bare number, because agents paste
    /// ids from emails in all three shapes.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let digits = s
            .strip_prefix("C-")
            .or_else(|| s.strip_prefix("c-"))
            .unwrap_or(s);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ParseCaseIdError);
        }
        digits
            .parse::<i64>()
            .ok()
            .filter(|n| *n > 0)
            .map(CaseId)
            .ok_or(ParseCaseIdError)
    }
}

impl Serialize for CaseId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for CaseId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for CaseId {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some("^C-[0-9]+$"))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for CaseId {}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: Option<i64>) {
        assert_eq!(
            input.parse::<CaseId>().ok().map(|c| c.0),
            expected,
            "{input:?}"
        );
    }

    #[test]
    fn parses_the_shapes_agents_paste() {
        check("C-10234", Some(10234));
        check("c-10234", Some(10234));
        check(" C-7 ", Some(7));
        check("10234", Some(10234));
        check("C-", None);
        check("C-0", None);
        check("C-12a", None);
        check("D-12", None);
        check("", None);
        check("C--1", None);
    }

    #[test]
    fn displays_and_round_trips_through_json() {
        let id = CaseId(10234);
        assert_eq!(id.to_string(), "C-10234");
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, "\"C-10234\"");
        assert_eq!(serde_json::from_str::<CaseId>(&json).unwrap(), id);
        assert!(serde_json::from_str::<CaseId>("\"nope\"").is_err());
    }
}
