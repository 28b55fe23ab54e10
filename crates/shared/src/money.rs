//! Amounts as people type them and as the wire carries them (minor units).

/// Reads an amount typed in major units ("349", "349.5", "349,50") as minor
/// units; `None` for anything else, including more than two decimals.
pub fn parse_amount(text: &str) -> Option<i64> {
    let text: String = text
        .trim()
        .chars()
        .filter(|c| *c != ' ' && *c != '\u{a0}')
        .collect();
    let (whole, fraction) = text.split_once([',', '.']).unwrap_or((&text, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || fraction.len() > 2 || !digits(fraction) {
        return None;
    }
    let cents: i64 = format!("{fraction:0<2}").parse().ok()?;
    whole
        .parse::<i64>()
        .ok()?
        .checked_mul(100)?
        .checked_add(cents)
}

/// Minor units as a plain decimal for an input field ("349.00").
pub fn amount_input(minor: i64) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", minor.abs() / 100, minor.abs() % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_people_type() {
        let table = [
            ("349", Some(34_900)),
            ("349.5", Some(34_950)),
            ("349,50", Some(34_950)),
            (" 1 349,00 ", Some(134_900)),
            ("0.05", Some(5)),
            ("10.", Some(1_000)),
            ("349.505", None),
            ("-5", None),
            ("abc", None),
            ("", None),
            (",50", None),
            ("1.2.3", None),
            ("99999999999999999999", None),
        ];
        for (text, expected) in table {
            assert_eq!(parse_amount(text), expected, "{text:?}");
        }
    }

    #[test]
    fn formats_for_inputs_and_round_trips() {
        for minor in [0, 5, 34_900, 134_950] {
            assert_eq!(parse_amount(&amount_input(minor)), Some(minor));
        }
        assert_eq!(amount_input(-1_250), "-12.50");
    }
}
