//! Generates the translation table from `locales/{en,sv,nl}.json` into
//! `$OUT_DIR/translations.rs` (included by `src/i18n.rs`).
//!
//! Every key becomes a function (or, when it has `{{ placeholders }}`, a
//! struct whose fields are the placeholders), so a key or placeholder that
//! does not exist fails the build at the call site. The build also fails when
//! a locale lacks a key, has an extra one, or names other placeholders than
//! English does. This replaces leptos_i18n, whose runtime (locale
//! negotiation through icu, leptos-use, leptos_meta) cost more of the
//! download budget than the whole table (see BENCHMARKS.md).

use std::collections::BTreeMap;
use std::error::Error;
use std::fmt::Write as _;
use std::path::PathBuf;

/// The locales, in the order of `claimdesk_shared::Locale`; English is the
/// reference every other locale is checked against.
const LOCALES: [(&str, &str); 3] = [("en", "En"), ("sv", "Sv"), ("nl", "Nl")];

/// A translation split into literal text and placeholder names.
enum Piece {
    Text(String),
    Arg(String),
}

fn pieces(text: &str) -> Result<Vec<Piece>, String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        out.push(Piece::Text(rest[..start].to_owned()));
        let end = rest[start..]
            .find("}}")
            .ok_or_else(|| format!("unclosed placeholder in {text:?}"))?;
        let name = rest[start + 2..start + end].trim();
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
            return Err(format!("bad placeholder {name:?} in {text:?}"));
        }
        out.push(Piece::Arg(name.to_owned()));
        rest = &rest[start + end + 2..];
    }
    out.push(Piece::Text(rest.to_owned()));
    Ok(out)
}

fn args(pieces: &[Piece]) -> Vec<&str> {
    let mut names: Vec<&str> = pieces
        .iter()
        .filter_map(|p| match p {
            Piece::Arg(name) => Some(name.as_str()),
            Piece::Text(_) => None,
        })
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=locales");
    let mut tables: Vec<BTreeMap<String, String>> = Vec::new();
    for (code, _) in LOCALES {
        let path = format!("locales/{code}.json");
        println!("cargo::rerun-if-changed={path}");
        let text = std::fs::read_to_string(&path)?;
        tables.push(serde_json::from_str(&text).map_err(|e| format!("{path}: {e}"))?);
    }
    let reference = &tables[0];
    for (table, (code, _)) in tables.iter().zip(LOCALES).skip(1) {
        if let Some(key) = reference.keys().find(|k| !table.contains_key(*k)) {
            return Err(format!("locales/{code}.json lacks the key {key:?}").into());
        }
        if let Some(key) = table.keys().find(|k| !reference.contains_key(*k)) {
            return Err(format!("locales/{code}.json has {key:?}, which English lacks").into());
        }
    }

    let mut functions = String::new();
    let mut structs = String::new();
    for (key, english) in reference {
        let expected = args(&pieces(english)?).join(", ");
        let mut arms = String::new();
        for (table, (code, variant)) in tables.iter().zip(LOCALES) {
            let parts = pieces(&table[key])?;
            if args(&parts).join(", ") != expected {
                return Err(format!(
                    "locales/{code}.json: {key:?} names other placeholders than English ({expected})"
                )
                .into());
            }
            if expected.is_empty() {
                writeln!(arms, "            Locale::{variant} => {:?},", table[key])?;
            } else {
                let mut format = String::new();
                for part in &parts {
                    match part {
                        Piece::Text(text) => {
                            format.push_str(&text.replace('{', "{{").replace('}', "}}"))
                        }
                        Piece::Arg(name) => write!(format, "{{{name}}}")?,
                    }
                }
                let bindings: Vec<String> = args(&parts)
                    .iter()
                    .map(|name| format!("{name} = self.{name}"))
                    .collect();
                writeln!(
                    arms,
                    "            Locale::{variant} => format!({format:?}, {}),",
                    bindings.join(", ")
                )?;
            }
        }
        if expected.is_empty() {
            writeln!(
                functions,
                "    pub fn {key}(locale: Locale) -> &'static str {{\n        match locale {{\n{arms}        }}\n    }}"
            )?;
        } else {
            let fields: Vec<String> = args(&pieces(english)?)
                .iter()
                .map(|name| format!("pub {name}: &'a dyn core::fmt::Display"))
                .collect();
            writeln!(
                structs,
                "    pub struct {key}<'a> {{ {} }}\n    impl {key}<'_> {{\n        pub fn in_locale(&self, locale: Locale) -> String {{\n            match locale {{\n{arms}            }}\n        }}\n    }}",
                fields.join(", ")
            )?;
        }
    }

    let out = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("OUT_DIR is not set")?)
        .join("translations.rs");
    std::fs::write(
        out,
        format!(
            "/// Keys without placeholders: the text in a locale.\n#[allow(non_snake_case)]\npub mod keys {{\n    use super::Locale;\n{functions}}}\n\n\
             /// Keys with placeholders: fill the fields, then pick the locale.\n#[allow(non_camel_case_types)]\npub mod args {{\n    use super::Locale;\n{structs}}}\n"
        ),
    )?;
    Ok(())
}
