//! The return label: made once per case approved with one, a real A6 PDF
//! in the customer's language, only for those who see the case.

mod common;

use axum::http::{header, StatusCode};
use common::*;
use serde_json::json;

/// Anna approves Lisa's open case `id` with a return label, free or not.
async fn approve_with_label(app: &TestApp, anna: &str, id: &str, free: bool) {
    let v = version(&app.case(anna, id).await);
    let toggled = app
        .write(
            "PATCH",
            &format!("/api/v1/cases/{id}"),
            Some(anna),
            &json!({ "version": v, "free_return": free }),
        )
        .await
        .ok();
    app.write_once(
        "POST",
        &format!("/api/v1/cases/{id}/decision"),
        anna,
        &format!("label-{id}"),
        &json!({ "version": version(&toggled), "kind": "return_label", "note": "Send it back in its box." }),
    )
    .await
    .ok();
}

/// The text a PDF reader finds on the label's page.
fn page_text(pdf: &[u8]) -> String {
    let doc = lopdf::Document::load_mem(pdf).expect("a PDF a reader opens");
    let pages = doc.get_pages();
    assert_eq!(pages.len(), 1);
    let page = pages.values().next().unwrap();
    let media = doc
        .get_object(*page)
        .and_then(|o| o.as_dict().cloned())
        .and_then(|d| d.get(b"MediaBox").cloned())
        .expect("a media box");
    let size: Vec<f32> = media
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_float().unwrap())
        .collect();
    // A6: 105 × 148 mm.
    assert!(
        (size[2] - 297.6).abs() < 1.0 && (size[3] - 419.5).abs() < 1.0,
        "{size:?}"
    );
    doc.extract_text(&[1]).expect("its text")
}

#[tokio::test]
async fn the_customer_makes_the_label_once_in_their_language() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let lisa = app.sign_in(CUSTOMER_LISA).await;
    let (id, _) = app.lisas_open_case(&anna).await;
    let path = format!("/api/v1/cases/{id}/return-label");
    // Not before the desk approved with one.
    app.get(&path, Some(&lisa))
        .await
        .problem(StatusCode::CONFLICT, "no-return-label");
    approve_with_label(&app, &anna, &id, true).await;
    let files_before = app.count("SELECT COUNT(*) FROM attachments").await;

    let label = app.get(&path, Some(&lisa)).await;
    assert_eq!(label.status, StatusCode::OK);
    assert_eq!(label.content_type(), "application/pdf");
    let disposition = label.headers[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment;")
            && disposition.contains(&format!("return-label-{id}.pdf"))
    );
    assert_eq!(label.headers[header::CONTENT_SECURITY_POLICY], "sandbox");
    let text = page_text(&label.body);
    let detail = app.case(&anna, &id).await;
    for expected in [
        "RETURETIKETT",
        "PORTO BETALT",
        "Nordic Home AB",
        "Lagervägen 12",
        "212 41 Malmö",
        "Lisa Andersson",
        &format!("Ärende {id}"),
        detail["order"]["number"].as_str().unwrap(),
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} not on the label:\n{text}"
        );
    }
    if let Some(legacy) = detail["order"]["legacy_number"].as_str() {
        assert!(
            text.contains(legacy),
            "the legacy number is not on the label"
        );
    }

    // A second click, and the desk's: the same file; stored once, listed.
    let again = app.get(&path, Some(&lisa)).await;
    assert_eq!(again.body, label.body);
    assert_eq!(app.get(&path, Some(&anna)).await.body, label.body);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM attachments").await,
        files_before + 1
    );
    let listed = app.case(&lisa, &id).await["return_label"].clone();
    assert_eq!(listed["content_type"], "application/pdf");
    let url = listed["url"].as_str().unwrap();
    assert_eq!(app.get(url, Some(&lisa)).await.body, label.body);
    // Nobody else gets it, by either address.
    let oskar = app.sign_in(CUSTOMER_OSKAR).await;
    app.get(&path, Some(&oskar))
        .await
        .problem(StatusCode::NOT_FOUND, "not-found");
    app.get(url, Some(&oskar))
        .await
        .problem(StatusCode::NOT_FOUND, "not-found");
}

#[tokio::test]
async fn postage_due_when_the_return_is_not_free_and_two_clicks_make_one_label() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let lisa = app.sign_in(CUSTOMER_LISA).await;
    let (id, _) = app.lisas_open_case(&anna).await;
    approve_with_label(&app, &anna, &id, false).await;
    let path = format!("/api/v1/cases/{id}/return-label");
    let files_before = app.count("SELECT COUNT(*) FROM attachments").await;
    let (a, b) = tokio::join!(app.get(&path, Some(&lisa)), app.get(&path, Some(&lisa)));
    assert_eq!(a.body, b.body);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM attachments").await,
        files_before + 1
    );
    assert!(page_text(&a.body).contains("PORTO BETALAS AV AVSÄNDAREN"));
}
