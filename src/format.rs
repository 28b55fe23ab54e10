//! Numbers, money and dates in the reader's locale, through the browser's
//! `Intl` (so the app carries no locale or time-zone data of its own).

use chrono::{DateTime, Utc};
use js_sys::{Array, Intl, Object, Reflect};
use std::cell::RefCell;

use wasm_bindgen::{JsCast, JsValue};

use crate::i18n::Locale;

/// The BCP 47 tag `Intl` formats with.
pub fn language_tag(locale: Locale) -> &'static str {
    match locale {
        Locale::En => "en-GB",
        Locale::Sv => "sv-SE",
        Locale::Nl => "nl-NL",
    }
}

fn locales(locale: Locale) -> Array {
    Array::of1(&JsValue::from_str(language_tag(locale)))
}

fn options(pairs: &[(&str, JsValue)]) -> Object {
    let object = Object::new();
    for (key, value) in pairs {
        // Setting a plain property on a fresh object cannot fail.
        let _ = Reflect::set(&object, &JsValue::from_str(key), value);
    }
    object
}

thread_local! {
    /// `Intl` formatters by what they format. Making one is slow next to
    /// using it (a 1,000-row inbox made four per row), and a session needs
    /// only a handful: one per locale, style and currency.
    static FORMATTERS: RefCell<Vec<(String, JsValue)>> = const { RefCell::new(Vec::new()) };
}

/// The formatter cached under `key`, made by `make` the first time.
fn formatter<T: JsCast>(key: String, make: impl FnOnce() -> JsValue) -> T {
    FORMATTERS.with(|cache| {
        let found = cache
            .borrow()
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, f)| f.clone());
        found
            .unwrap_or_else(|| {
                let made = make();
                cache.borrow_mut().push((key, made.clone()));
                made
            })
            .unchecked_into()
    })
}

/// The bound `format` function of a date formatter, with or without the
/// time of day.
fn date_format(locale: Locale, with_time: bool) -> js_sys::Function {
    formatter(format!("date {with_time} {}", language_tag(locale)), || {
        let mut pairs = vec![("dateStyle", JsValue::from("medium"))];
        if with_time {
            pairs.push(("timeStyle", "short".into()));
        }
        Intl::DateTimeFormat::new(&locales(locale), &options(&pairs))
            .format()
            .into()
    })
}

fn call_format(format: js_sys::Function, value: &JsValue) -> String {
    format
        .call1(&JsValue::NULL, value)
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

/// `minor` units of `currency` (e.g. 64900 SEK → "649,00 kr").
pub fn money(minor: i64, currency: &str, locale: Locale) -> String {
    let format: js_sys::Function =
        formatter(format!("money {currency} {}", language_tag(locale)), || {
            Intl::NumberFormat::new(
                &locales(locale),
                &options(&[("style", "currency".into()), ("currency", currency.into())]),
            )
            .format()
            .into()
        });
    call_format(format, &JsValue::from_f64(minor as f64 / 100.0))
}

/// A percentage given as 0–100, e.g. "85 %", "76,9 %" (one decimal at most).
pub fn percent(value: f64, locale: Locale) -> String {
    let format: js_sys::Function = formatter(format!("percent {}", language_tag(locale)), || {
        Intl::NumberFormat::new(
            &locales(locale),
            &options(&[
                ("style", "percent".into()),
                ("maximumFractionDigits", 1.into()),
            ]),
        )
        .format()
        .into()
    });
    call_format(format, &JsValue::from_f64(value / 100.0))
}

fn js_date(at: DateTime<Utc>) -> js_sys::Date {
    js_sys::Date::new(&JsValue::from_f64(at.timestamp_millis() as f64))
}

/// A date and time, e.g. "18 Nov 2026, 10:00".
pub fn date_time(at: DateTime<Utc>, locale: Locale) -> String {
    call_format(date_format(locale, true), &js_date(at).into())
}

/// How long ago `at` was, e.g. "3 hours ago" / "för 3 timmar sedan".
pub fn age(at: DateTime<Utc>, now_ms: f64, locale: Locale) -> String {
    let minutes = ((now_ms - at.timestamp_millis() as f64) / 60_000.0).max(0.0);
    let (value, unit) = if minutes < 60.0 {
        (minutes.floor(), "minute")
    } else if minutes < 48.0 * 60.0 {
        ((minutes / 60.0).floor(), "hour")
    } else {
        ((minutes / 1440.0).floor(), "day")
    };
    let format: Intl::RelativeTimeFormat =
        formatter(format!("age {}", language_tag(locale)), || {
            Intl::RelativeTimeFormat::new(&locales(locale), &options(&[("numeric", "auto".into())]))
                .into()
        });
    format.format(-value, unit).into()
}

/// A stretch of `minutes` (never negative), e.g. "3 h 12 min", "2 d 4 h".
pub fn duration(minutes: i64, locale: Locale) -> String {
    use crate::i18n::args;
    let minutes = minutes.max(0);
    let (d, h, m) = (minutes / 1440, minutes % 1440 / 60, minutes % 60);
    if d > 0 {
        args::duration_days { d: &d, h: &h }.in_locale(locale)
    } else if h > 0 {
        args::duration_hours { h: &h, m: &m }.in_locale(locale)
    } else {
        args::duration_minutes { m: &m }.in_locale(locale)
    }
}

/// A calendar day, e.g. "24 Dec 2026".
pub fn day(date: chrono::NaiveDate, locale: Locale) -> String {
    use chrono::Datelike;
    // Local midnight of that day, formatted in the same (local) zone.
    let at = js_sys::Date::new_with_year_month_day(
        date.year() as u32,
        date.month0() as i32,
        date.day() as i32,
    );
    call_format(date_format(locale, false), &at.into())
}

/// Milliseconds since the epoch, from the browser's clock.
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// Whether `at` is still ahead by the browser's clock (a window that is
/// still open).
pub fn is_ahead(at: DateTime<Utc>) -> bool {
    at.timestamp_millis() as f64 > now_ms()
}
