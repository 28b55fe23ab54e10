//! Attachments: accepted by content, limited in size and number, and seen
//! only by those who may see the message or note they belong to.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::{json, Value};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR fake image";

async fn upload(app: &TestApp, session: &str, filename: &str, bytes: &[u8]) -> Reply {
    app.upload(session, filename, bytes).await
}

#[tokio::test]
async fn uploads_are_accepted_by_content_and_size() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let ok = upload(&app, &anna, "label.png", PNG).await;
    assert_eq!(
        ok.status,
        StatusCode::CREATED,
        "{}",
        String::from_utf8_lossy(&ok.body)
    );
    assert_eq!(ok.json()["content_type"], "image/png");

    let table: [(&str, Vec<u8>, &str); 3] = [
        (
            "script.png",
            b"<script>alert(1)</script>".to_vec(),
            "unsupported_type",
        ),
        (
            "drawing.svg",
            b"<svg xmlns='http://www.w3.org/2000/svg'/>".to_vec(),
            "unsupported_type",
        ),
        (
            "huge.png",
            [PNG, &vec![0u8; 10 * 1024 * 1024]].concat(),
            "too_large",
        ),
    ];
    let before = app.count("SELECT COUNT(*) FROM attachments").await;
    for (name, bytes, code) in table {
        let p = upload(&app, &anna, name, &bytes)
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation");
        assert_eq!(
            (
                p["errors"][0]["field"].clone(),
                p["errors"][0]["code"].clone()
            ),
            (json!("file"), json!(code)),
            "{name}"
        );
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM attachments").await,
        before,
        "refused uploads store nothing"
    );
}

#[tokio::test]
async fn message_files_reach_the_customer_and_note_files_do_not() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let lisa = app.sign_in(CUSTOMER_LISA).await;
    let sara = app.sign_in(MERCHANT_LUMO).await;
    let (id, version) = app.lisas_open_case(&anna).await;

    let for_message = upload(&app, &anna, "return-label.png", PNG).await.json()["id"]
        .as_i64()
        .unwrap();
    let for_note = upload(&app, &anna, "internal.png", PNG).await.json()["id"]
        .as_i64()
        .unwrap();
    // Not yet attached: only Anna can load them.
    assert_eq!(
        app.get(&format!("/api/v1/files/{for_message}"), Some(&anna))
            .await
            .status,
        StatusCode::OK
    );
    app.get(&format!("/api/v1/files/{for_message}"), Some(&lisa))
        .await
        .problem(StatusCode::NOT_FOUND, "not-found");

    let sent = app
        .write_once(
            "POST",
            &format!("/api/v1/cases/{id}/messages"),
            &anna,
            "m",
            &json!({ "version": version, "body": "Your label", "attachment_ids": [for_message] }),
        )
        .await;
    assert_eq!(
        sent.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&sent.body)
    );
    app.write_once(
        "POST",
        &format!("/api/v1/cases/{id}/notes"),
        &anna,
        "n",
        &json!({ "version": version + 1, "body": "see file", "attachment_ids": [for_note] }),
    )
    .await;

    let messages: Value = app
        .get(&format!("/api/v1/cases/{id}/messages"), Some(&lisa))
        .await
        .json();
    let last = messages.as_array().unwrap().last().unwrap();
    assert_eq!(last["attachments"][0]["id"], for_message);
    let file = app
        .get(&format!("/api/v1/files/{for_message}"), Some(&lisa))
        .await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(file.content_type(), "image/png");
    assert_eq!(file.headers["x-content-type-options"], "nosniff");
    app.get(&format!("/api/v1/files/{for_note}"), Some(&lisa))
        .await
        .problem(StatusCode::NOT_FOUND, "not-found");
    assert_eq!(
        app.get(
            &format!("/api/v1/files/{for_note}"),
            Some(&app.sign_in(MERCHANT_NORDIC_2).await)
        )
        .await
        .status,
        StatusCode::OK
    );
    for file in [for_message, for_note] {
        app.get(&format!("/api/v1/files/{file}"), Some(&sara))
            .await
            .problem(StatusCode::NOT_FOUND, "not-found");
    }
}

#[tokio::test]
async fn only_ones_own_free_uploads_can_be_attached_and_at_most_ten() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let erik = app.sign_in(MERCHANT_NORDIC_2).await;
    let (id, version) = app.lisas_open_case(&anna).await;
    let eriks = upload(&app, &erik, "e.png", PNG).await.json()["id"]
        .as_i64()
        .unwrap();
    let path = format!("/api/v1/cases/{id}/messages");
    let p = app
        .write_once(
            "POST",
            &path,
            &anna,
            "x1",
            &json!({ "version": version, "body": "hi", "attachment_ids": [eriks] }),
        )
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert_eq!(p["errors"][0]["field"], "attachment_ids");
    assert_eq!(
        app.case(&anna, &id).await["version"],
        version,
        "nothing changed"
    );

    let p = app
        .write_once("POST", &path, &anna, "x2", &json!({ "version": version, "body": "hi", "attachment_ids": [1,2,3,4,5,6,7,8,9,10,11] }))
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert_eq!(p["errors"][0]["code"], "too_many");

    // A file attached once cannot be attached again.
    let mine = upload(&app, &anna, "a.png", PNG).await.json()["id"]
        .as_i64()
        .unwrap();
    let ok = app
        .write_once(
            "POST",
            &path,
            &anna,
            "x3",
            &json!({ "version": version, "body": "one", "attachment_ids": [mine] }),
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK);
    let n = app
        .count(&format!(
            "SELECT COUNT(*) FROM notes WHERE case_id = {}",
            id.trim_start_matches("C-")
        ))
        .await;
    app.write_once(
        "POST",
        &format!("/api/v1/cases/{id}/notes"),
        &anna,
        "x4",
        &json!({ "version": version + 1, "body": "two", "attachment_ids": [mine] }),
    )
    .await
    .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM notes WHERE case_id = {}",
            id.trim_start_matches("C-")
        ))
        .await,
        n
    );
}
