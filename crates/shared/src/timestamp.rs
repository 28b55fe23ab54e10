//! Reading timestamps off the wire with chrono's dedicated RFC 3339 parser.
//!
//! chrono's own `Deserialize` goes through its general format-string parser,
//! which the SPA would otherwise carry only for this (about 4 KB of its
//! download, see BENCHMARKS.md). The wire format is unchanged: the server
//! still writes timestamps with chrono's `Serialize` (RFC 3339, UTC).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{de::Error, Deserialize, Deserializer};

/// An RFC 3339 timestamp, as UTC.
pub fn utc<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
    let text = String::deserialize(d)?;
    parse(&text).ok_or_else(|| D::Error::custom("expected an RFC 3339 timestamp"))
}

/// An RFC 3339 timestamp or null.
pub fn utc_option<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    match Option::<String>::deserialize(d)? {
        None => Ok(None),
        Some(text) => parse(&text)
            .map(Some)
            .ok_or_else(|| D::Error::custom("expected an RFC 3339 timestamp")),
    }
}

/// A calendar date, `YYYY-MM-DD`.
pub fn date<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    let text = String::deserialize(d)?;
    parse_date(&text).ok_or_else(|| D::Error::custom("expected a date YYYY-MM-DD"))
}

fn parse(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

fn parse_date(text: &str) -> Option<NaiveDate> {
    let mut parts = text.splitn(3, '-');
    let year = parts.next()?.parse().ok()?;
    let month = parts.next()?.parse().ok()?;
    let day = parts.next()?.parse().ok()?;
    NaiveDate::from_ymd_opt(year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    /// What the server writes is what the SPA reads back, for the shapes
    /// chrono produces (whole seconds, fractions, and the date alone).
    #[test]
    fn reads_what_chrono_writes() {
        #[derive(Deserialize)]
        struct Wire {
            #[serde(deserialize_with = "utc")]
            at: DateTime<Utc>,
            #[serde(deserialize_with = "utc_option")]
            maybe: Option<DateTime<Utc>>,
            #[serde(deserialize_with = "date")]
            day: NaiveDate,
        }
        for at in [
            Utc.with_ymd_and_hms(2026, 3, 29, 1, 30, 0).unwrap(),
            Utc.timestamp_millis_opt(1_795_000_123_456).unwrap(),
        ] {
            let day = at.date_naive();
            let json = format!(
                r#"{{"at":{},"maybe":{},"day":{}}}"#,
                serde_json::to_string(&at).unwrap(),
                serde_json::to_string(&Some(at)).unwrap(),
                serde_json::to_string(&day).unwrap()
            );
            let wire: Wire = serde_json::from_str(&json).unwrap();
            assert_eq!((wire.at, wire.maybe, wire.day), (at, Some(at), day));
        }
        let none: Wire = serde_json::from_str(
            r#"{"at":"2026-01-01T00:00:00+01:00","maybe":null,"day":"2026-12-24"}"#,
        )
        .unwrap();
        assert_eq!(
            none.at,
            Utc.with_ymd_and_hms(2025, 12, 31, 23, 0, 0).unwrap()
        );
        assert_eq!(none.maybe, None);
        assert!(serde_json::from_str::<Wire>(
            r#"{"at":"yesterday","maybe":null,"day":"2026-12-24"}"#
        )
        .is_err());
        assert!(serde_json::from_str::<Wire>(
            r#"{"at":"2026-01-01T00:00:00Z","maybe":null,"day":"2026-02-30"}"#
        )
        .is_err());
    }
}
