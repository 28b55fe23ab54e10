//! The return label a customer prints: an A6 PDF with the merchant's return
//! address, who sends the parcel, the case id and both order numbers, a QR
//! code of the case id, and whether the postage is paid, in the customer's
//! language (PRODUCT.md §4, free return).
//!
//! Written with pdf-writer (the PDF structure) and qrcode (the code's
//! modules, drawn as filled squares), in the PDF's built-in Helvetica: no
//! font file to ship. Its text is encoded as Windows-1252, which holds
//! every letter of Swedish, Dutch and English; anything else prints as `?`.

use claimdesk_shared::{CaseId, Locale, Outcome};
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use qrcode::{Color, QrCode};

use crate::error::{AppError, AppResult};
use crate::scope::Scope;
use crate::state::AppState;
use crate::store::files::StoredFile;
use crate::store::return_labels;
use crate::user::CurrentUser;

/// The return label of case `id`, for `user` (its customer, or the desk):
/// made and stored the first time, the same file ever after. Only a case
/// approved with a return label has one.
pub async fn label(state: &AppState, user: &CurrentUser, id: CaseId) -> AppResult<StoredFile> {
    let row = return_labels::facts(&state.db, Scope::of(user), id).await?;
    if let Some(attachment) = row.attachment_id {
        return return_labels::file(&state.db, attachment).await;
    }
    if row.outcome()? != Some(Outcome::ReturnLabel) {
        return Err(AppError::conflict(
            "no-return-label",
            "the case was not approved with a return label",
        ));
    }
    let facts = LabelFacts {
        case_id: id,
        order_number: row.order_number.clone(),
        legacy_order_number: row.legacy_number.clone(),
        merchant_name: row.merchant_name.clone(),
        return_address: row.return_address.clone(),
        customer_name: row.customer_name.clone(),
        customer_address: row.customer_address.clone(),
        postage_paid: row.free_return,
        locale: row.locale()?,
    };
    let file = StoredFile {
        filename: format!("return-label-{id}.pdf"),
        content_type: "application/pdf".to_owned(),
        bytes: render(&facts),
    };
    let attachment = return_labels::store(
        state.writer.pool(),
        id,
        row.marketplace_id,
        &file,
        state.now(),
    )
    .await?;
    return_labels::file(&state.db, attachment).await
}

/// What a label says.
#[derive(Debug)]
pub struct LabelFacts {
    pub case_id: CaseId,
    pub order_number: String,
    pub legacy_order_number: Option<String>,
    pub merchant_name: String,
    /// Lines separated by ", " (as addresses are stored).
    pub return_address: String,
    pub customer_name: String,
    pub customer_address: String,
    /// The merchant pays the postage (the case's free return).
    pub postage_paid: bool,
    pub locale: Locale,
}

/// The label's words, per language.
struct Words {
    title: &'static str,
    paid: &'static str,
    due: &'static str,
    from: &'static str,
    to: &'static str,
    case: &'static str,
    order: &'static str,
    legacy: &'static str,
    hint: &'static str,
}

fn words(locale: Locale) -> Words {
    match locale {
        Locale::En => Words {
            title: "RETURN LABEL",
            paid: "POSTAGE PAID",
            due: "POSTAGE DUE",
            from: "From",
            to: "To",
            case: "Case",
            order: "Order",
            legacy: "Legacy order number",
            hint: "Stick this label on the parcel and hand it in at a service point.",
        },
        Locale::Sv => Words {
            title: "RETURETIKETT",
            paid: "PORTO BETALT",
            due: "PORTO BETALAS AV AVSÄNDAREN",
            from: "Från",
            to: "Till",
            case: "Ärende",
            order: "Order",
            legacy: "Tidigare ordernummer",
            hint: "Sätt etiketten på paketet och lämna det hos ett ombud.",
        },
        Locale::Nl => Words {
            title: "RETOURLABEL",
            paid: "PORT BETAALD",
            due: "PORT TE BETALEN",
            from: "Van",
            to: "Aan",
            case: "Zaak",
            order: "Bestelling",
            legacy: "Oud bestelnummer",
            hint: "Plak dit label op het pakket en lever het in bij een servicepunt.",
        },
    }
}

/// A6 in points (105 × 148 mm).
const WIDTH: f32 = 297.64;
const HEIGHT: f32 = 419.53;
const MARGIN: f32 = 20.0;
const REGULAR: Name<'static> = Name(b"F1");
const BOLD: Name<'static> = Name(b"F2");

/// `text` in Windows-1252, the encoding the built-in fonts are told to use.
fn win_ansi(text: &str) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(text.len());
    let mut buffer = [0u8; 4];
    for c in text.chars() {
        let (encoded, _, unmappable) = encoding_rs::WINDOWS_1252.encode(c.encode_utf8(&mut buffer));
        if unmappable {
            bytes.push(b'?');
        } else {
            bytes.extend_from_slice(&encoded);
        }
    }
    bytes
}

/// Writes lines of text from the top, one font and size each.
struct Lines<'a> {
    content: &'a mut Content,
    y: f32,
}

impl Lines<'_> {
    fn line(&mut self, font: Name<'_>, size: f32, text: &str) {
        self.y -= size * 1.25;
        let bytes = win_ansi(text);
        self.content
            .begin_text()
            .set_font(font, size)
            .next_line(MARGIN, self.y)
            .show(Str(&bytes))
            .end_text();
    }

    fn gap(&mut self, points: f32) {
        self.y -= points;
    }
}

/// The label as a one-page PDF.
pub fn render(facts: &LabelFacts) -> Vec<u8> {
    let words = words(facts.locale);
    let (catalog, pages, page, regular, bold, content_id, info) = (
        Ref::new(1),
        Ref::new(2),
        Ref::new(3),
        Ref::new(4),
        Ref::new(5),
        Ref::new(6),
        Ref::new(7),
    );
    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(pages);
    pdf.pages(pages).kids([page]).count(1);
    let mut p = pdf.page(page);
    p.media_box(Rect::new(0.0, 0.0, WIDTH, HEIGHT));
    p.parent(pages);
    p.contents(content_id);
    p.resources()
        .fonts()
        .pair(REGULAR, regular)
        .pair(BOLD, bold);
    p.finish();
    for (id, name) in [
        (regular, Name(b"Helvetica")),
        (bold, Name(b"Helvetica-Bold")),
    ] {
        pdf.type1_font(id)
            .base_font(name)
            .encoding_predefined(Name(b"WinAnsiEncoding"));
    }
    let title = format!("{} {}", words.title, facts.case_id);
    pdf.document_info(info).title(TextStr(&title));

    let mut content = Content::new();
    let mut lines = Lines {
        content: &mut content,
        y: HEIGHT - MARGIN,
    };
    lines.line(BOLD, 16.0, words.title);
    lines.gap(6.0);
    let postage = if facts.postage_paid {
        words.paid
    } else {
        words.due
    };
    lines.line(BOLD, 13.0, postage);
    let postage_y = lines.y;
    lines.gap(14.0);
    lines.line(REGULAR, 8.0, words.from);
    lines.line(REGULAR, 10.0, &facts.customer_name);
    for part in facts.customer_address.split(", ") {
        lines.line(REGULAR, 10.0, part);
    }
    lines.gap(14.0);
    lines.line(REGULAR, 8.0, words.to);
    lines.line(BOLD, 14.0, &facts.merchant_name);
    for part in facts.return_address.split(", ") {
        lines.line(BOLD, 14.0, part);
    }
    lines.gap(16.0);
    lines.line(BOLD, 11.0, &format!("{} {}", words.case, facts.case_id));
    lines.line(
        REGULAR,
        10.0,
        &format!("{} {}", words.order, facts.order_number),
    );
    if let Some(legacy) = &facts.legacy_order_number {
        lines.line(REGULAR, 10.0, &format!("{} {legacy}", words.legacy));
    }
    lines.gap(8.0);
    lines.line(REGULAR, 7.0, words.hint);

    // A frame around the postage line, so it is seen first.
    content
        .set_line_width(1.5)
        .rect(
            MARGIN - 6.0,
            postage_y - 5.0,
            WIDTH - 2.0 * MARGIN + 12.0,
            21.0,
        )
        .stroke();
    // The QR code of the case id, bottom right: the service point scans it.
    if let Ok(code) = QrCode::new(facts.case_id.to_string().as_bytes()) {
        let modules = code.width();
        let size = 3.0;
        let (left, bottom) = (WIDTH - MARGIN - size * modules as f32, MARGIN);
        for (i, color) in code.to_colors().iter().enumerate() {
            if *color == Color::Dark {
                let (x, y) = (i % modules, i / modules);
                content.rect(
                    left + size * x as f32,
                    bottom + size * (modules - 1 - y) as f32,
                    size,
                    size,
                );
            }
        }
        content.fill_nonzero();
    }
    pdf.stream(content_id, &content.finish());
    pdf.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(locale: Locale, postage_paid: bool) -> LabelFacts {
        LabelFacts {
            case_id: CaseId(10_042),
            order_number: "FM-2026-000123".into(),
            legacy_order_number: Some("88812".into()),
            merchant_name: "Nordic Home AB".into(),
            return_address: "Returer, Lagergatan 4, 123 45 Malmö".into(),
            customer_name: "Lisa Andersson".into(),
            customer_address: "Storgatan 1, 111 22 Stockholm".into(),
            postage_paid,
            locale,
        }
    }

    #[test]
    fn a_label_is_a_pdf_in_the_customers_language() {
        let pdf = render(&facts(Locale::Sv, true));
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(pdf.ends_with(b"%%EOF") || pdf.ends_with(b"%%EOF\n"));
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("RETURETIKETT"));
        assert!(text.contains("PORTO BETALT"));
        assert!(text.contains("C-10042"));
        assert!(text.contains("FM-2026-000123") && text.contains("88812"));
        // (Its letters beyond ASCII, read back by a PDF reader: tests/return_label.rs.)
        let due = String::from_utf8_lossy(&render(&facts(Locale::Nl, false))).into_owned();
        assert!(due.contains("PORT TE BETALEN") && due.contains("RETOURLABEL"));
    }

    #[test]
    fn letters_outside_windows_1252_print_as_question_marks() {
        assert_eq!(win_ansi("Åsa €5 ✓"), b"\xc5sa \x805 ?".to_vec());
    }
}
