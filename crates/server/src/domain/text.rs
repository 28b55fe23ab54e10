//! The one rule for every free text a user writes (messages, notes,
//! descriptions, decision notes, quick texts): trimmed, not empty when
//! required, not longer than its limit in characters, and without NUL.
//!
//! Anything else is stored exactly as written, markup, bidirectional
//! overrides, zero-width and combining characters and emoji included: the
//! SPA and the emails show it as text, never as markup. NUL is refused
//! because no text means it, PostgreSQL cannot store it, and C-string
//! tools (mail relays, logs) cut a text at it.

use claimdesk_shared::wire::FieldError;

fn error(field: &str, code: &str, message: String) -> FieldError {
    FieldError {
        field: field.to_owned(),
        code: code.to_owned(),
        message,
    }
}

/// `text` trimmed, if it is non-empty (else `when_empty` is the message),
/// at most `max_chars` long and free of NUL.
pub fn required(
    field: &str,
    text: &str,
    max_chars: usize,
    when_empty: &str,
) -> Result<String, FieldError> {
    match optional(field, Some(text), max_chars)? {
        Some(text) => Ok(text),
        None => Err(error(field, "required", when_empty.to_owned())),
    }
}

/// Like `required`, for a text that may be left out: `None` when it is
/// absent or only whitespace.
pub fn optional(
    field: &str,
    text: Option<&str>,
    max_chars: usize,
) -> Result<Option<String>, FieldError> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if text.contains('\0') {
        return Err(error(
            field,
            "nul_character",
            "the text contains a NUL character, which no text may hold".to_owned(),
        ));
    }
    if text.chars().count() > max_chars {
        return Err(error(
            field,
            "too_long",
            format!("at most {max_chars} characters"),
        ));
    }
    Ok(Some(text.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(result: Result<impl std::fmt::Debug, FieldError>) -> String {
        result.map_or_else(|e| e.code, |v| format!("ok {v:?}"))
    }

    #[test]
    fn texts_are_trimmed_checked_and_otherwise_kept() {
        let hostile = "<script>alert(1)</script> \u{202E}txt.exe \u{200B}e\u{301} 🧾";
        let table: [(&str, &str); 6] = [
            ("  hello  ", "ok \"hello\""),
            ("   ", "required"),
            ("a\0b", "nul_character"),
            ("12345", "ok \"12345\""),
            ("123456", "too_long"),
            ("ééééé", "ok \"ééééé\""),
        ];
        for (text, expected) in table {
            assert_eq!(
                code(required("body", text, 5, "write")),
                expected,
                "{text:?}"
            );
        }
        assert_eq!(required("body", hostile, 100, "write").unwrap(), hostile);
        assert_eq!(optional("note", Some("  "), 5).unwrap(), None);
        assert_eq!(optional("note", None, 5).unwrap(), None);
        assert_eq!(code(optional("note", Some("\0"), 5)), "nul_character");
    }
}
