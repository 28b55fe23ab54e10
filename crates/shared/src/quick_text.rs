//! Quick texts: saved answers with placeholders an agent inserts into a
//! message. Filling happens in the SPA, checking on the server; both use this.

/// The placeholders a quick text may contain.
pub const PLACEHOLDERS: &[&str] = &[
    "customer_name",
    "order_number",
    "case_id",
    "merchant_name",
    "agent_name",
];

/// The values to fill in, by placeholder.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Values<'a> {
    pub customer_name: &'a str,
    pub order_number: &'a str,
    pub case_id: &'a str,
    pub merchant_name: &'a str,
    pub agent_name: &'a str,
}

impl Values<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        Some(match name {
            "customer_name" => self.customer_name,
            "order_number" => self.order_number,
            "case_id" => self.case_id,
            "merchant_name" => self.merchant_name,
            "agent_name" => self.agent_name,
            _ => return None,
        })
    }
}

/// The `{name}` placeholders in `text` that are not known, in order.
pub fn unknown_placeholders(text: &str) -> Vec<&str> {
    placeholders(text)
        .filter(|name| !PLACEHOLDERS.contains(name))
        .collect()
}

fn placeholders(text: &str) -> impl Iterator<Item = &str> {
    text.split('{').skip(1).filter_map(|part| {
        let (name, _) = part.split_once('}')?;
        (!name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
            .then_some(name)
    })
}

/// `text` with every known placeholder replaced by its value; anything else
/// (unknown names, stray braces) is left as written.
pub fn fill(text: &str, values: &Values<'_>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after
            .split_once('}')
            .and_then(|(name, tail)| values.get(name).map(|v| (v, tail)))
        {
            Some((value, tail)) => {
                out.push_str(value);
                rest = tail;
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The `::words` being typed just before byte `caret` of `text`: where the
/// `::` starts and the words after it. Only at the start of the text or
/// after whitespace, and only on the current line, so "10::30" or a pasted
/// path never opens the quick-text list.
pub fn shortcut(text: &str, caret: usize) -> Option<(usize, &str)> {
    let before = text.get(..caret)?;
    let start = before.rfind("::")?;
    let words = &before[start + 2..];
    let at_word_start = before[..start]
        .chars()
        .last()
        .is_none_or(char::is_whitespace);
    (at_word_start && !words.contains('\n') && words.len() <= 40).then_some((start, words))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shortcut_is_found_only_where_it_is_being_typed() {
        let cases: &[(&str, Option<(usize, &str)>)] = &[
            ("::", Some((0, ""))),
            ("::photo", Some((0, "photo"))),
            ("Hi! ::ret god", Some((4, "ret god"))),
            ("line one\n::foto", Some((9, "foto"))),
            ("at 10::30", None),
            ("::photo\nnext line", None),
            ("no shortcut here", None),
            (
                "::this query is far too long to be a quick text search",
                None,
            ),
            ("Hej åäö ::å", Some((11, "å"))),
        ];
        for (text, expected) in cases {
            assert_eq!(shortcut(text, text.len()), *expected, "{text:?}");
        }
        // Only up to the caret: "::photo|, rest".
        assert_eq!(shortcut("::photo, rest", 7), Some((0, "photo")));
        // A caret inside a character is no caret.
        assert_eq!(shortcut("å", 1), None);
    }

    fn values() -> Values<'static> {
        Values {
            customer_name: "Lisa Andersson",
            order_number: "FM-4100000",
            case_id: "C-10001",
            merchant_name: "Nordic Home AB",
            agent_name: "Anna",
        }
    }

    #[test]
    fn fills_known_placeholders_and_leaves_the_rest() {
        let table = [
            ("Hi {customer_name}!", "Hi Lisa Andersson!"),
            (
                "Order {order_number}, case {case_id}",
                "Order FM-4100000, case C-10001",
            ),
            ("/{agent_name}, {merchant_name}", "/Anna, Nordic Home AB"),
            ("{unknown} stays", "{unknown} stays"),
            ("a { brace and }", "a { brace and }"),
            ("{customer_name", "{customer_name"),
            ("{{customer_name}}", "{Lisa Andersson}"),
            ("", ""),
        ];
        for (text, expected) in table {
            assert_eq!(fill(text, &values()), expected, "{text:?}");
        }
    }

    #[test]
    fn finds_unknown_placeholders() {
        let table: [(&str, &[&str]); 4] = [
            ("Hi {customer_name}", &[]),
            ("Hi {name} and {customer}", &["name", "customer"]),
            ("a {Brace} and {} and {x y}", &[]),
            ("{case_id}{ordernumber}", &["ordernumber"]),
        ];
        for (text, expected) in table {
            assert_eq!(unknown_placeholders(text), expected, "{text:?}");
        }
    }
}
