//! Evidence: the desk hears when a photo a customer sent is the same
//! picture as one sent with another case of the marketplace, resized and
//! saved again or not (`CaseAlert::SamePhoto`), named only to those who may
//! open the other case, never to customers, never across marketplaces.

mod common;

use axum::http::StatusCode;
use common::*;
use image::{ImageEncoder, Rgb, RgbImage};
use serde_json::{json, Value};

/// A 400×300 picture with blocks placed by `seed`: a photo as far as the
/// fingerprint is concerned.
fn picture(seed: u32) -> RgbImage {
    RgbImage::from_fn(400, 300, |x, y| {
        let cell = (x / (40 + seed % 7 * 9)) * 31 + (y / (30 + seed % 5 * 11)) * 17 + seed * 13;
        let level = (cell.wrapping_mul(2_654_435_761) >> 24) as u8;
        Rgb([level, level / 2 + 60, 255 - level])
    })
}

fn png(picture: &RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(
            picture.as_raw(),
            picture.width(),
            picture.height(),
            image::ExtendedColorType::Rgb8,
        )
        .unwrap();
    out
}

/// `picture` at 60 % of its size, saved as JPEG at quality 70: how the same
/// photo arrives when someone sends it again.
fn resaved(picture: &RgbImage) -> Vec<u8> {
    let smaller = image::imageops::resize(picture, 240, 180, image::imageops::FilterType::Triangle);
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 70)
        .encode_image(&smaller)
        .unwrap();
    out
}

/// Sends `file` with a message on case `id` as `session`.
async fn send_photo(app: &TestApp, session: &str, id: &str, file: &[u8], key: &str) {
    let upload = app.upload(session, "photo.jpg", file).await;
    assert_eq!(upload.status, StatusCode::CREATED);
    let version = app.case(session, id).await["version"].as_i64().unwrap();
    app.write_once(
        "POST",
        &format!("/api/v1/cases/{id}/messages"),
        session,
        key,
        &json!({ "version": version, "body": "A photo.", "attachment_ids": [upload.json()["id"]] }),
    )
    .await
    .ok();
}

/// The same-photo alerts of case `id` as `session` sees them.
async fn same_photo(app: &TestApp, session: &str, id: &str) -> Vec<Value> {
    app.case(session, id).await["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["kind"] == "same_photo")
        .cloned()
        .collect()
}

/// Three open cases of the demo and who works them: `first` and `second`
/// at one merchant by two customers, `elsewhere` at another merchant of
/// the marketplace by `second`'s customer.
#[derive(sqlx::FromRow)]
struct Three {
    first: i64,
    second: i64,
    elsewhere: i64,
    first_customer: String,
    second_customer: String,
    agent: String,
    other_agent: String,
    support: String,
}

async fn three_open_cases(app: &TestApp) -> Three {
    let agent = |case: &str| {
        format!(
            "(SELECT email FROM users WHERE merchant_id = {case}.merchant_id ORDER BY id LIMIT 1)"
        )
    };
    sqlx::query_as(&format!(
        "SELECT a.id AS first, b.id AS second, c.id AS elsewhere,
                (SELECT email FROM users WHERE id = a.customer_id) AS first_customer,
                (SELECT email FROM users WHERE id = b.customer_id) AS second_customer,
                {} AS agent, {} AS other_agent,
                (SELECT email FROM users WHERE role = 'support' AND marketplace_id = a.marketplace_id
                  ORDER BY id LIMIT 1) AS support
           FROM cases a
           JOIN cases b ON b.merchant_id = a.merchant_id AND b.customer_id <> a.customer_id
           JOIN cases c ON c.customer_id = b.customer_id AND c.merchant_id <> b.merchant_id
                       AND c.marketplace_id = b.marketplace_id
          WHERE a.status IN ('submitted', 'awaiting_merchant')
            AND b.status IN ('submitted', 'awaiting_merchant')
            AND c.status IN ('submitted', 'awaiting_merchant')
          ORDER BY a.id, b.id, c.id LIMIT 1",
        agent("a"),
        agent("c")
    ))
    .fetch_one(&app.state.db)
    .await
    .expect("the demo has such cases")
}

#[tokio::test]
async fn the_same_photo_sent_again_is_recognised_and_named_only_to_those_who_may_open_it() {
    let app = TestApp::seeded().await;
    let three = three_open_cases(&app).await;
    let (lisa, oskar) = (
        app.sign_in(&three.first_customer).await,
        app.sign_in(&three.second_customer).await,
    );
    let (anna, sara, support) = (
        app.sign_in(&three.agent).await,
        app.sign_in(&three.other_agent).await,
        app.sign_in(&three.support).await,
    );
    let [first, second, elsewhere] =
        [three.first, three.second, three.elsewhere].map(|id| format!("C-{id}"));
    let before = same_photo(&app, &anna, &second).await.len();

    let damaged = picture(1);
    send_photo(&app, &lisa, &first, &png(&damaged), "lisa-photo").await;
    // Another customer sends the same picture, smaller and as JPEG, with a
    // case at the same merchant and with one at another merchant.
    send_photo(&app, &oskar, &second, &resaved(&damaged), "oskar-photo").await;
    send_photo(
        &app,
        &oskar,
        &elsewhere,
        &resaved(&damaged),
        "oskar-photo-2",
    )
    .await;

    // Anna sees both other cases: her own merchant's by its id.
    let alerts = same_photo(&app, &anna, &second).await;
    assert_eq!(alerts.len(), before + 2, "{alerts:?}");
    let named: Vec<&Value> = alerts.iter().map(|a| &a["other_case"]).collect();
    assert!(named.contains(&&json!(first)), "{alerts:?}");
    assert!(
        named.contains(&&Value::Null),
        "Lumo's case, without its id: {alerts:?}"
    );
    assert!(!named.contains(&&json!(elsewhere)), "{alerts:?}");
    let about_first = alerts.iter().find(|a| a["other_case"] == first).unwrap();
    assert_eq!(about_first["same_customer"], false);
    assert!(about_first["sent_at"].is_string());
    // Lisa's case hears of Oskar's too (the newest first); the Oskar-to-
    // Oskar pair is the same customer's.
    let on_first = same_photo(&app, &anna, &first).await;
    assert!(
        on_first.iter().any(|a| a["other_case"] == second),
        "{on_first:?}"
    );
    let on_elsewhere = same_photo(&app, &sara, &elsewhere).await;
    assert!(
        on_elsewhere.iter().all(|a| a["other_case"].is_null()),
        "Sara may open neither Nordic Home case: {on_elsewhere:?}"
    );
    assert!(
        on_elsewhere.iter().any(|a| a["same_customer"] == true),
        "{on_elsewhere:?}"
    );
    // Support sees every case of the marketplace: all named.
    let for_support = same_photo(&app, &support, &second).await;
    assert!(
        for_support.iter().all(|a| a["other_case"].is_string()),
        "{for_support:?}"
    );
    assert!(
        for_support.iter().any(|a| a["other_case"] == elsewhere),
        "{for_support:?}"
    );
    // Customers never see it.
    assert_eq!(same_photo(&app, &oskar, &second).await, Vec::<Value>::new());
    assert_eq!(same_photo(&app, &lisa, &first).await, Vec::<Value>::new());
}

#[tokio::test]
async fn other_pictures_the_desks_own_and_other_marketplaces_raise_nothing() {
    let app = TestApp::seeded().await;
    let three = three_open_cases(&app).await;
    let (lisa, oskar, anna) = (
        app.sign_in(&three.first_customer).await,
        app.sign_in(&three.second_customer).await,
        app.sign_in(&three.agent).await,
    );
    let [first, second] = [three.first, three.second].map(|id| format!("C-{id}"));
    let before = same_photo(&app, &anna, &second).await;

    send_photo(&app, &lisa, &first, &png(&picture(2)), "a").await;
    // A different picture.
    send_photo(&app, &oskar, &second, &png(&picture(3)), "b").await;
    assert_eq!(same_photo(&app, &anna, &second).await, before);
    // The desk's own picture (a return instruction sent to many customers)
    // is not the customer's evidence.
    send_photo(&app, &anna, &second, &png(&picture(2)), "c").await;
    assert_eq!(same_photo(&app, &anna, &second).await, before);

    // The same picture in another marketplace.
    let plein = app.sign_in(SUPPORT_NL).await;
    let nl_customer: String = sqlx::query_scalar(
        "SELECT u.email FROM users u JOIN cases c ON c.customer_id = u.id
          WHERE c.marketplace_id = (SELECT marketplace_id FROM users WHERE email = ?)
            AND c.status IN ('submitted', 'awaiting_merchant') ORDER BY c.id LIMIT 1",
    )
    .bind(SUPPORT_NL)
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    let nl_session = app.sign_in(&nl_customer).await;
    let nl_case: i64 = sqlx::query_scalar(
        "SELECT c.id FROM cases c JOIN users u ON u.id = c.customer_id WHERE u.email = ?
            AND c.status IN ('submitted', 'awaiting_merchant') ORDER BY c.id LIMIT 1",
    )
    .bind(&nl_customer)
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    let nl_case = format!("C-{nl_case}");
    let nl_before = same_photo(&app, &plein, &nl_case).await;
    send_photo(&app, &nl_session, &nl_case, &png(&picture(2)), "d").await;
    assert_eq!(same_photo(&app, &plein, &nl_case).await, nl_before);
    assert_eq!(same_photo(&app, &anna, &first).await.len(), 0);

    // A PDF has no fingerprint; a picture has one.
    let pdf = app.upload(&lisa, "receipt.pdf", b"%PDF-1.7\n%%EOF\n").await;
    let pdf_id = pdf.json()["id"].as_i64().unwrap();
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM photo_fingerprints WHERE attachment_id = {pdf_id}"
        ))
        .await,
        0
    );
}

#[tokio::test]
async fn the_demo_has_exactly_one_pair_of_cases_with_the_same_photo() {
    let app = TestApp::seeded().await;
    let support = app.sign_in(SUPPORT_SE).await;
    let plein = app.sign_in(SUPPORT_NL).await;
    let cases: Vec<(i64, String)> = sqlx::query_as(
        "SELECT c.id, u.email FROM cases c
           JOIN users u ON u.role = 'support' AND u.marketplace_id = c.marketplace_id
          WHERE EXISTS (SELECT 1 FROM case_photos cp WHERE cp.case_id = c.id)",
    )
    .fetch_all(&app.state.db)
    .await
    .unwrap();
    assert!(
        cases.len() > 20,
        "the demo's cases with photos: {}",
        cases.len()
    );
    let mut flagged = Vec::new();
    for (id, email) in cases {
        let session = if email == SUPPORT_SE {
            &support
        } else {
            &plein
        };
        let id = format!("C-{id}");
        for alert in same_photo(&app, session, &id).await {
            flagged.push((id.clone(), alert["other_case"].as_str().unwrap().to_owned()));
        }
    }
    assert_eq!(flagged.len(), 2, "{flagged:?}");
    let (a, b) = (&flagged[0], &flagged[1]);
    assert_eq!(
        (&a.0, &a.1),
        (&b.1, &b.0),
        "the two name each other: {flagged:?}"
    );
    // The newer one is in Nordic Home's Open inbox, by another customer.
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let open = app.case_ids(&anna, "open").await;
    let newer = if open.contains(&a.0) { &a.0 } else { &b.0 };
    assert!(open.contains(newer), "{flagged:?} {open:?}");
    let alert = &same_photo(&app, &anna, newer).await[0];
    assert_eq!(alert["same_customer"], false);
}

#[tokio::test]
async fn pictures_stored_before_fingerprints_get_theirs_and_are_compared() {
    let app = TestApp::seeded().await;
    let support = app.sign_in(SUPPORT_SE).await;
    let flagged: i64 = sqlx::query_scalar(
        "SELECT c.id FROM cases c WHERE c.merchant_id = (SELECT merchant_id FROM users WHERE email = ?)
            AND EXISTS (SELECT 1 FROM case_photos cp JOIN attachments a ON a.id = cp.attachment_id
                         WHERE cp.case_id = c.id AND a.content_type = 'image/jpeg')",
    )
    .bind(MERCHANT_NORDIC)
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    let flagged = format!("C-{flagged}");
    assert_eq!(same_photo(&app, &support, &flagged).await.len(), 1);
    let pictures = app
        .count("SELECT COUNT(*) FROM attachments WHERE content_type LIKE 'image/%'")
        .await;

    // A database from before migration 0024: no fingerprints at all, and
    // a file that only claims to be a picture.
    sqlx::query("DELETE FROM photo_fingerprints")
        .execute(app.state.writer.pool())
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO attachments (marketplace_id, filename, content_type, size, bytes, created_at)
         VALUES (1, 'broken.png', 'image/png', 4, X'89504E47', '2026-11-01T00:00:00Z')",
    )
    .execute(app.state.writer.pool())
    .await
    .unwrap();
    assert_eq!(same_photo(&app, &support, &flagged).await.len(), 0);

    let done = claimdesk_server::domain::evidence::backfill(&app.state)
        .await
        .unwrap();
    assert_eq!(done as i64, pictures, "every picture but the broken one");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM photo_fingerprints").await,
        pictures
    );
    assert_eq!(same_photo(&app, &support, &flagged).await.len(), 1);
    // Run again, it finds nothing left to do.
    assert_eq!(
        claimdesk_server::domain::evidence::backfill(&app.state)
            .await
            .unwrap(),
        0
    );
}
