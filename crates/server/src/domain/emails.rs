//! The notification emails (PRODUCT.md §8), in the recipient's language.
//!
//! The texts are MiniJinja templates in `locales/emails/{en,sv,nl}.toml`,
//! beside the UI's translations (whose kind and reason names they reuse).
//! A use case builds a [`Mail`]: which text, and its values; the write that
//! queues it looks up the recipient's language and renders it then, so the
//! outbox keeps exactly what was sent. The tests below check that every
//! language has every text with the same placeholders, and that each
//! renders.

use std::collections::HashMap;
use std::sync::LazyLock;

use claimdesk_shared::{CaseId, Kind, Locale, Outcome, Reason};
use minijinja::value::Value;
use minijinja::{Environment, Error, ErrorKind, State, UndefinedBehavior};
use serde::Serialize;
use serde_json::json;

use crate::error::{AppError, AppResult};

/// The language files, by locale.
const SOURCES: [(Locale, &str, &str); 3] = [
    (
        Locale::En,
        include_str!("../../../../locales/emails/en.toml"),
        include_str!("../../../../locales/en.json"),
    ),
    (
        Locale::Sv,
        include_str!("../../../../locales/emails/sv.toml"),
        include_str!("../../../../locales/sv.json"),
    ),
    (
        Locale::Nl,
        include_str!("../../../../locales/emails/nl.toml"),
        include_str!("../../../../locales/nl.json"),
    ),
];

/// One email text as a language file holds it.
#[derive(serde::Deserialize)]
struct Text {
    subject: String,
    body: String,
}

/// A language file: the link every email ends with, and the texts.
#[derive(serde::Deserialize)]
struct LanguageFile {
    open_case: Link,
    #[serde(flatten)]
    texts: HashMap<String, Text>,
}

/// The link to the case: the text part's last line, the HTML part's button.
#[derive(serde::Deserialize)]
struct Link {
    line: String,
    label: String,
}

/// The HTML part's page, the same in every language: the text part's
/// paragraphs and the link as a button (MiniJinja escapes every value,
/// the template's name ending in `.html`).
const LAYOUT: &str = include_str!("../../../../locales/emails/layout.html");

/// Every template of every language, named `"{locale}/{text}/subject"` and
/// `…/body`, and the UI words the `ui` filter reads.
struct Templates {
    env: Environment<'static>,
    words: HashMap<Locale, HashMap<String, String>>,
}

static TEMPLATES: LazyLock<Templates> = LazyLock::new(|| {
    let mut env = Environment::new();
    // A placeholder a template names but the mail does not carry is a bug
    // to find in the tests, not an empty gap in a customer's email.
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.add_filter("money", money_filter);
    env.add_filter("ui", ui_filter);
    env.add_template("layout.html", LAYOUT)
        .unwrap_or_else(|e| panic!("locales/emails/layout.html: {e}"));
    let mut words = HashMap::new();
    for (locale, file, ui) in SOURCES {
        let file: LanguageFile =
            toml::from_str(file).unwrap_or_else(|e| panic!("locales/emails/{locale}.toml: {e}"));
        for (part, source) in [
            ("line", file.open_case.line),
            ("label", file.open_case.label),
        ] {
            env.add_template_owned(format!("{locale}/open_case/{part}"), source)
                .unwrap_or_else(|e| panic!("locales/emails/{locale}.toml [open_case] {part}: {e}"));
        }
        for (name, text) in file.texts {
            for (part, source) in [("subject", text.subject), ("body", text.body)] {
                env.add_template_owned(format!("{locale}/{name}/{part}"), source)
                    .unwrap_or_else(|e| {
                        panic!("locales/emails/{locale}.toml [{name}] {part}: {e}")
                    });
            }
        }
        let ui: HashMap<String, String> =
            serde_json::from_str(ui).unwrap_or_else(|e| panic!("locales/{locale}.json: {e}"));
        words.insert(locale, ui);
    }
    Templates { env, words }
});

/// The language a template is rendered in (its context's `locale`).
fn locale_of(state: &State) -> Result<Locale, Error> {
    state
        .lookup("locale")
        .and_then(|l| l.as_str().and_then(|l| l.parse().ok()))
        .ok_or_else(|| Error::new(ErrorKind::InvalidOperation, "no locale in the context"))
}

/// `{{ kind|ui('kind') }}`: the UI's word `kind_<value>` in the template's
/// language, so an email names a kind or reason exactly as the app does.
fn ui_filter(state: &State, value: String, prefix: String) -> Result<String, Error> {
    let key = format!("{prefix}_{value}");
    TEMPLATES
        .words
        .get(&locale_of(state)?)
        .and_then(|words| words.get(&key))
        .cloned()
        .ok_or_else(|| Error::new(ErrorKind::InvalidOperation, format!("no UI word {key}")))
}

/// `{{ amount|money }}`: an [`Amount`] in the template's language's
/// notation ("1,349.00 SEK", "1 349,00 SEK", "1.349,00 EUR").
fn money_filter(state: &State, value: Value) -> Result<String, Error> {
    let field = |name| {
        value
            .get_attr(name)
            .ok()
            .filter(|v| !v.is_undefined())
            .ok_or_else(|| Error::new(ErrorKind::InvalidOperation, "money needs an Amount"))
    };
    let minor = i64::try_from(field("minor")?)?;
    let currency = field("currency")?;
    let (group, decimal) = match locale_of(state)? {
        Locale::En => (',', '.'),
        Locale::Sv => ('\u{a0}', ','),
        Locale::Nl => ('.', ','),
    };
    Ok(format!(
        "{} {currency}",
        format_minor(minor, group, decimal)
    ))
}

/// `minor` units as a decimal with thousands grouped.
fn format_minor(minor: i64, group: char, decimal: char) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let whole = (minor.abs() / 100).to_string();
    let mut grouped = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(group);
        }
        grouped.push(digit);
    }
    format!("{sign}{grouped}{decimal}{:02}", minor.abs() % 100)
}

/// An amount for the `money` filter.
#[derive(Clone, Debug, Serialize)]
pub struct Amount {
    pub minor: i64,
    pub currency: String,
}

impl Amount {
    pub fn new(minor: i64, currency: &str) -> Amount {
        Amount {
            minor,
            currency: currency.to_owned(),
        }
    }
}

/// An email to queue: which text, and the values of its placeholders.
#[derive(Debug)]
pub struct Mail {
    /// What the email is about, as the outbox records it ("decision").
    pub template: &'static str,
    /// Its table in the language files ("decision_refund").
    text: &'static str,
    values: Value,
}

impl Mail {
    /// The email `text` (a table of the language files) with `values`,
    /// recorded in the outbox as `template`.
    pub fn new(template: &'static str, text: &'static str, values: impl Serialize) -> Mail {
        Mail {
            template,
            text,
            values: Value::from_serialize(values),
        }
    }

    /// The email in `locale`, ending with `link` (the case in the app):
    /// its subject, its text and its HTML part.
    pub fn render(&self, locale: Locale, link: &str) -> AppResult<Rendered> {
        let context = minijinja::context! {
            locale => locale.as_str(), url => link, ..self.values.clone()
        };
        let render = |name: &str| -> Result<String, Error> {
            TEMPLATES.env.get_template(name)?.render(&context)
        };
        let rendered = (|| {
            let subject = render(&format!("{locale}/{}/subject", self.text))?;
            let body = render(&format!("{locale}/{}/body", self.text))?;
            let line = render(&format!("{locale}/open_case/line"))?;
            let label = render(&format!("{locale}/open_case/label"))?;
            // Paragraphs as the text part has them (blank lines), each a
            // list of its lines.
            let paragraphs: Vec<Vec<&str>> = body
                .trim()
                .split("\n\n")
                .map(|paragraph| paragraph.trim_matches('\n').lines().collect())
                .filter(|lines: &Vec<&str>| !lines.is_empty())
                .collect();
            // The link is ours (the configured address and a case id), not
            // anyone's input: written as it is, without `/` escaped to `&#x2f;`.
            let link = Value::from_safe_string(link.replace('"', "%22"));
            let html = TEMPLATES
                .env
                .get_template("layout.html")?
                .render(minijinja::context! {
                    lang => locale.as_str(), subject => &subject, paragraphs, link, label,
                })?;
            let text = format!("{}\n\n{line}\n", body.trim_end());
            Ok::<_, Error>(Rendered {
                subject,
                text,
                html,
            })
        })();
        rendered.map_err(|e| {
            AppError::Internal(anyhow::anyhow!("email {} in {locale}: {e:#}", self.text))
        })
    }
}

/// An email as queued: what the outbox keeps and sends.
#[derive(Debug)]
pub struct Rendered {
    pub subject: String,
    /// The plain-text part, ending with the link to the case.
    pub text: String,
    /// The HTML part: the same paragraphs, the link as a button.
    pub html: String,
}

/// Where an email about case `id` takes its reader: the case's
/// conversation in the app at `public_url`.
pub fn case_link(public_url: &str, id: CaseId) -> String {
    format!("{}/cases/{id}/messages", public_url.trim_end_matches('/'))
}

/// The customer's email about a decision on case `id`, by outcome.
pub fn decision(outcome: Outcome, id: CaseId, note: Option<&str>, free_return: bool) -> Mail {
    let text = match outcome {
        Outcome::Refund => "decision_refund",
        Outcome::Replacement => "decision_replacement",
        Outcome::ReturnLabel => "decision_return_label",
        Outcome::ReturnRefund => "return_received",
        Outcome::Rejected => "decision_rejected",
        Outcome::ProposalAccepted | Outcome::AutoRefund | Outcome::CustomerResolved => {
            "decision_resolved"
        }
    };
    let values = json!({
        "case": id.to_string(),
        "note": note,
        "free_return": free_return,
    });
    Mail::new("decision", text, values)
}

/// The merchant's email about a new case: its kind, id and both order
/// numbers (§8), with what is claimed and why.
pub fn new_case(case: &NewCaseMail<'_>) -> Mail {
    Mail::new("case_created", "case_created", case)
}

/// What the merchant's email about a new case says.
#[derive(Debug, Serialize)]
pub struct NewCaseMail<'a> {
    pub case: String,
    pub kind: Kind,
    pub reason: Reason,
    pub order: &'a str,
    pub legacy: Option<&'a str>,
    pub customer: &'a str,
    pub merchant: &'a str,
    pub claimed: Amount,
    pub lines: Vec<MailLine<'a>>,
    pub free_exchange: bool,
    pub description: &'a str,
    /// Whether the platform's support handles it (its reason is routed).
    pub platform: bool,
}

/// One claimed line, as the new case's email lists it.
#[derive(Debug, Serialize)]
pub struct MailLine<'a> {
    pub quantity: i64,
    pub title: &'a str,
}

/// The customer's confirmation that the report of `case` arrived.
pub fn case_received(case: &NewCaseMail<'_>, on_behalf: bool) -> Mail {
    let values = json!({
        "case": case.case,
        "kind": case.kind,
        "order": case.order,
        "legacy": case.legacy,
        "merchant": case.merchant,
        "platform": case.platform,
        "on_behalf": on_behalf,
    });
    Mail::new("case_received", "case_received", values)
}

/// The other side is told that `author` wrote `text` on case `id`.
pub fn message(id: CaseId, author: &str, text: &str) -> Mail {
    let values = json!({ "case": id.to_string(), "author": author, "text": text });
    Mail::new("message", "message", values)
}

/// The customer is offered `note` (and, with `refund`, that much back).
pub fn proposal(id: CaseId, note: &str, refund: Option<Amount>) -> Mail {
    let values = json!({ "case": id.to_string(), "note": note, "refund": refund });
    Mail::new("proposal", "proposal", values)
}

/// The merchant is told that `customer` accepted the proposal `note`
/// (which paid `paid`, if anything).
pub fn proposal_accepted(id: CaseId, customer: &str, note: &str, paid: Option<Amount>) -> Mail {
    let values =
        json!({ "case": id.to_string(), "customer": customer, "note": note, "paid": paid });
    Mail::new("proposal_accepted", "proposal_accepted", values)
}

/// The customer is told that case `id` was refunded `amount` because the
/// merchant did not answer in time.
pub fn auto_refunded(id: CaseId, amount: Amount) -> Mail {
    let values = json!({ "case": id.to_string(), "amount": amount });
    Mail::new("decision", "auto_refunded", values)
}

/// The merchant is told that case `id` was refunded `amount` by itself.
pub fn breach_refunded(id: CaseId, amount: Amount) -> Mail {
    let values = json!({ "case": id.to_string(), "amount": amount });
    Mail::new("breach_refunded", "breach_refunded", values)
}

/// The merchant is told that case `id` went to the platform's support.
pub fn breach_escalated(id: CaseId) -> Mail {
    Mail::new(
        "breach_escalated",
        "breach_escalated",
        json!({ "case": id.to_string() }),
    )
}

/// The merchant is warned that case `id` must be answered by `due` (the
/// marketplace's local time in `time_zone`), `hours` from now.
pub fn breach_warning(
    id: CaseId,
    due: &str,
    time_zone: &str,
    hours: i64,
    warning_hours: i64,
) -> Mail {
    let values = json!({
        "case": id.to_string(),
        "due": due,
        "time_zone": time_zone,
        "hours": hours,
        "warning_hours": warning_hours,
    });
    Mail::new("breach_warning", "breach_warning", values)
}

/// The customer is told that case `id` closed after `days` without reply.
pub fn no_reply(id: CaseId, days: i64) -> Mail {
    Mail::new(
        "no_reply",
        "no_reply",
        json!({ "case": id.to_string(), "days": days }),
    )
}

/// The merchant is told that `customer` marked case `id` solved.
pub fn customer_resolved(id: CaseId, customer: &str) -> Mail {
    let values = json!({ "case": id.to_string(), "customer": customer });
    Mail::new("customer_resolved", "customer_resolved", values)
}

/// The merchant is told that the rejection of case `id` is disputed.
pub fn disputed_to_merchant(id: CaseId, customer: &str, reason: &str) -> Mail {
    let values = json!({ "case": id.to_string(), "customer": customer, "reason": reason });
    Mail::new("disputed", "disputed_merchant", values)
}

/// The customer's confirmation that the dispute arrived.
pub fn disputed_to_customer(id: CaseId) -> Mail {
    Mail::new(
        "disputed",
        "disputed_customer",
        json!({ "case": id.to_string() }),
    )
}

/// The merchant is told that support handed case `id` back, and why.
pub fn handed_back(id: CaseId, support: &str, note: &str) -> Mail {
    let values = json!({ "case": id.to_string(), "support": support, "note": note });
    Mail::new("handed_back", "handed_back", values)
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeSet, HashSet};

    use super::*;

    const LINK: &str = "https://claims.example/cases/C-10234/messages";

    /// Every text's placeholders, by template name without its locale.
    fn placeholders(locale: Locale) -> HashMap<String, HashSet<String>> {
        TEMPLATES
            .env
            .templates()
            .filter_map(|(name, template)| {
                let rest = name.strip_prefix(&format!("{locale}/"))?;
                Some((rest.to_owned(), template.undeclared_variables(false)))
            })
            .collect()
    }

    #[test]
    fn every_language_has_every_text_with_the_same_placeholders() {
        let english = placeholders(Locale::En);
        assert!(english.len() >= 40, "{} templates", english.len());
        for locale in [Locale::Sv, Locale::Nl] {
            let other = placeholders(locale);
            let names =
                |m: &HashMap<String, HashSet<String>>| m.keys().cloned().collect::<BTreeSet<_>>();
            assert_eq!(names(&other), names(&english), "texts of {locale}");
            for (name, vars) in &english {
                assert_eq!(&other[name], vars, "placeholders of {locale}/{name}");
            }
        }
    }

    #[test]
    fn the_translations_are_not_english() {
        let english = placeholders(Locale::En);
        for locale in [Locale::Sv, Locale::Nl] {
            for name in english.keys() {
                let source = |l: Locale| {
                    TEMPLATES
                        .env
                        .get_template(&format!("{l}/{name}"))
                        .unwrap()
                        .source()
                        .to_owned()
                };
                assert_ne!(
                    source(locale),
                    source(Locale::En),
                    "{locale}/{name} is the English text"
                );
            }
        }
    }

    #[test]
    fn every_text_renders_in_every_language() {
        // One set of values that carries every placeholder of every text.
        let values = json!({
            "case": "C-10234", "kind": "complaint", "reason": "damaged",
            "order": "FM-100234", "legacy": "88-1234", "customer": "Lisa Andersson",
            "merchant": "Nordic Home", "claimed": Amount::new(64_900, "SEK"),
            "lines": [{ "quantity": 2, "title": "Linen throw" }], "free_exchange": true,
            "description": "Torn at the seam.", "platform": false, "on_behalf": true,
            "author": "Anna", "text": "Hello", "note": "A note", "refund": Amount::new(100, "SEK"),
            "paid": Amount::new(100, "SEK"), "amount": Amount::new(100, "SEK"),
            "free_return": true, "warning_hours": 4, "due": "2026-12-03 14:00",
            "time_zone": "Europe/Stockholm", "hours": 3, "days": 14, "support": "Sofia",
        });
        let texts: BTreeSet<String> = placeholders(Locale::En)
            .keys()
            .map(|name| name.rsplit_once('/').unwrap().0.to_owned())
            .collect();
        for text in texts {
            let text: &'static str = Box::leak(text.into_boxed_str());
            if text == "open_case" {
                continue;
            }
            let mail = Mail::new("test", text, &values);
            for locale in [Locale::En, Locale::Sv, Locale::Nl] {
                let Rendered {
                    subject,
                    text: body,
                    html,
                } = mail.render(locale, LINK).unwrap();
                assert!(
                    body.trim_end().ends_with(LINK) && html.contains(&format!("href=\"{LINK}\"")),
                    "{locale}/{text}: the link to the case"
                );
                assert!(
                    html.starts_with("<!DOCTYPE html>")
                        && html.contains(&format!("<html lang=\"{locale}\">")),
                    "{locale}/{text}: {html}"
                );
                assert!(
                    subject.contains("C-10234") && !subject.contains('\n'),
                    "{locale}/{text}: {subject}"
                );
                assert!(
                    !body.trim().is_empty() && !body.contains("{{"),
                    "{locale}/{text}: {body}"
                );
            }
        }
    }

    #[test]
    fn money_reads_as_each_language_writes_it() {
        let mail = Mail::new(
            "test",
            "auto_refunded",
            json!({
                "case": "C-10234",
                "amount": Amount::new(134_950, "SEK"),
            }),
        );
        let body = |l| mail.render(l, LINK).unwrap().text;
        assert!(
            body(Locale::En).contains("1,349.50 SEK"),
            "{}",
            body(Locale::En)
        );
        assert!(
            body(Locale::Sv).contains("1\u{a0}349,50 SEK"),
            "{}",
            body(Locale::Sv)
        );
        assert!(
            body(Locale::Nl).contains("1.349,50 SEK"),
            "{}",
            body(Locale::Nl)
        );
        assert_eq!(format_minor(5, ',', '.'), "0.05");
        assert_eq!(format_minor(100_000_000, ',', '.'), "1,000,000.00");
    }

    #[test]
    fn a_missing_placeholder_fails_instead_of_mailing_a_gap() {
        let mail = Mail::new(
            "test",
            "message",
            json!({ "case": "C-1", "author": "Anna" }),
        );
        assert!(mail.render(Locale::Sv, LINK).is_err());
    }

    #[test]
    fn the_html_part_shows_what_people_wrote_as_text() {
        let mail = message(
            CaseId(10234),
            "Anna <b>",
            "Is 2 < 3? <script>alert(1)</script>\n\nSecond paragraph",
        );
        let html = mail.render(Locale::En, LINK).unwrap().html;
        assert!(
            !html.contains("<script>") && !html.contains("<b>"),
            "{html}"
        );
        assert!(
            html.contains("&lt;script&gt;") && html.contains("Anna &lt;b&gt;"),
            "{html}"
        );
        // The writer's paragraphs stay paragraphs.
        assert!(html.matches("<p ").count() >= 3, "{html}");
    }
}
