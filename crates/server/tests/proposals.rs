//! Proposals the customer accepts: the case parks, the customer accepts,
//! a later decision withdraws the open one.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::json;

// ---------------------------------------------------------------- proposals

#[tokio::test]
async fn a_proposal_parks_the_case_and_the_customer_accepts_it() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let lisa = app.sign_in(CUSTOMER_LISA).await;
    let (id, v) = app.lisas_open_case(&anna).await;
    let n = id_number(&id);
    let claimed = app.case(&anna, &id).await["summary"]["claimed_value_minor"]
        .as_i64()
        .unwrap();
    let offer = claimed / 4;
    let text = "Keep the lamp and we refund a quarter of its price.";

    let proposed = app
        .write_once(
            "POST",
            &format!("/api/v1/cases/{id}/decision"),
            &anna,
            "p1",
            &json!({ "version": v, "kind": "proposal", "note": text, "amount_minor": offer }),
        )
        .await
        .ok();
    assert_eq!(proposed["summary"]["status"], "awaiting_customer");
    assert_eq!(proposed["proposal"]["note"], text);
    assert_eq!(proposed["proposal"]["amount_minor"], offer);
    assert!(proposed["outcome"].is_null(), "nothing is decided yet");
    assert_eq!(proposed["refunded_minor"], 0);
    assert_eq!(
        last_event(&app, &id, "proposal_made").await["amount_minor"],
        offer
    );
    // The customer reads it in the case and in the conversation, and by email.
    let seen = app.case(&lisa, &id).await;
    assert_eq!(seen["proposal"]["note"], text);
    assert_eq!(seen["proposal"]["amount_minor"], offer);
    assert!(seen["proposal"]["made_at"].is_string());
    let messages = app
        .get(&format!("/api/v1/cases/{id}/messages"), Some(&lisa))
        .await
        .ok();
    let last = messages.as_array().unwrap().last().unwrap();
    assert_eq!(last["body"], text);
    assert_eq!(last["author_name"], "Anna Lindqvist");
    let mail: String = sqlx::query_scalar(
        "SELECT body FROM outbox WHERE case_id = ? AND recipient = 'lisa@kund.example' AND template = 'proposal'",
    )
    .bind(n)
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert!(
        mail.contains(text) && mail.contains("Godkänn förslaget"),
        "{mail}"
    );

    // She accepts: refunded the offer, resolved, the merchant told.
    let path = format!("/api/v1/cases/{id}/proposal/accept");
    let accepted = app
        .write_once(
            "POST",
            &path,
            &lisa,
            "accept-1",
            &json!({ "version": v + 1 }),
        )
        .await
        .ok();
    assert_eq!(accepted["summary"]["status"], "resolved");
    assert_eq!(accepted["outcome"], "proposal_accepted");
    assert_eq!(accepted["refunded_minor"], offer);
    assert!(accepted["proposal"].is_null());
    assert!(accepted["prepared"].is_null());
    assert_eq!(
        last_event(&app, &id, "proposal_accepted").await["amount_minor"],
        offer
    );
    let merchant_mails = format!(
        "SELECT COUNT(*) FROM outbox WHERE case_id = {n} AND recipient = 'claims@nordichome.example' AND template = 'proposal_accepted'"
    );
    assert_eq!(app.count(&merchant_mails).await, 1);
    assert!(app.case_ids(&anna, "approved").await.contains(&id));

    // A retry is the first answer; nothing is paid or mailed twice.
    let again = app
        .write_once(
            "POST",
            &path,
            &lisa,
            "accept-1",
            &json!({ "version": v + 1 }),
        )
        .await
        .ok();
    assert_eq!(again, accepted);
    assert_eq!(
        app.count(&format!("SELECT refunded_minor FROM cases WHERE id = {n}"))
            .await,
        offer
    );
    assert_eq!(app.count(&merchant_mails).await, 1);
    // Accepting again (a new request) finds no proposal.
    app.write_once(
        "POST",
        &path,
        &lisa,
        "accept-2",
        &json!({ "version": v + 2 }),
    )
    .await
    .problem(StatusCode::CONFLICT, "no-proposal");
}

#[tokio::test]
async fn a_proposal_by_line_without_money_resolves_with_nothing_refunded() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let lisa = app.sign_in(CUSTOMER_LISA).await;
    let (id, v) = app.lisas_open_case(&anna).await;
    let proposed = app
        .write_once(
            "POST",
            &format!("/api/v1/cases/{id}/decision"),
            &anna,
            "p1",
            &json!({ "version": v, "kind": "proposal", "note": "A 15 % voucher for your next order" }),
        )
        .await
        .ok();
    assert!(proposed["proposal"]["amount_minor"].is_null());
    let accepted = app
        .write_once(
            "POST",
            &format!("/api/v1/cases/{id}/proposal/accept"),
            &lisa,
            "a1",
            &json!({ "version": v + 1 }),
        )
        .await
        .ok();
    assert_eq!(accepted["outcome"], "proposal_accepted");
    assert_eq!(accepted["refunded_minor"], 0);
    assert_eq!(
        accepted["decision_note"],
        "A 15 % voucher for your next order"
    );

    // By line: the offer is the lines' value.
    let (id, case) = multi_line_case(&app, &anna).await;
    let (line_id, _, price) = claimed_lines(&case)[0];
    let proposed = app
        .write_once(
            "POST",
            &format!("/api/v1/cases/{id}/decision"),
            &anna,
            "p2",
            &json!({ "version": version(&case), "kind": "proposal", "note": "We refund one of these",
                     "lines": [{ "line_id": line_id, "quantity": 1 }] }),
        )
        .await
        .ok();
    assert_eq!(proposed["proposal"]["amount_minor"], price);
    assert_eq!(
        last_event(&app, &id, "proposal_made").await["lines"],
        json!([{ "line_id": line_id, "quantity": 1 }])
    );
}

#[tokio::test]
async fn proposals_are_refused_field_by_field_and_change_nothing() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let (id, v) = app.lisas_open_case(&anna).await;
    let case = app.case(&anna, &id).await;
    let claimed = case["summary"]["claimed_value_minor"].as_i64().unwrap();
    let foreign = foreign_line(&app, &id).await;
    // A line of the same order that this case does not claim, if any.
    let unclaimed = case["order"]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["claimed_quantity"] == 0)
        .map_or(foreign, |l| l["id"].as_i64().unwrap());
    let before = snapshot(&app, &id).await;
    for (n, (body, field, code)) in [
        (json!({ "version": v, "kind": "proposal" }), "note", "required"),
        (
            json!({ "version": v, "kind": "proposal", "note": "  " }),
            "note",
            "required",
        ),
        (
            json!({ "version": v, "kind": "proposal", "note": "All back", "amount_minor": claimed + 1 }),
            "amount_minor",
            "over_claimed",
        ),
        (
            json!({ "version": v, "kind": "proposal", "note": "Less", "amount_minor": -1 }),
            "amount_minor",
            "out_of_range",
        ),
        (
            json!({ "version": v, "kind": "proposal", "note": "This one", "lines": [{ "line_id": foreign, "quantity": 1 }] }),
            "lines",
            "unknown_line",
        ),
        (
            json!({ "version": v, "kind": "proposal", "note": "That one", "lines": [{ "line_id": unclaimed, "quantity": 1 }] }),
            "lines",
            "unknown_line",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let p = app
            .write_once(
                "POST",
                &format!("/api/v1/cases/{id}/decision"),
                &anna,
                &format!("bad-{n}"),
                &body,
            )
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation");
        assert_eq!(field_error(&p), (field.to_owned(), code.to_owned()), "{body}");
        assert_eq!(snapshot(&app, &id).await, before, "{body}");
    }
}

#[tokio::test]
async fn only_the_cases_own_customer_accepts_and_only_an_open_proposal() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let lisa = app.sign_in(CUSTOMER_LISA).await;
    let (id, v) = app.lisas_open_case(&anna).await;
    let path = format!("/api/v1/cases/{id}/proposal/accept");
    // No proposal yet.
    let before = snapshot(&app, &id).await;
    app.write_once("POST", &path, &lisa, "x0", &json!({ "version": v }))
        .await
        .problem(StatusCode::CONFLICT, "no-proposal");
    assert_eq!(snapshot(&app, &id).await, before);
    app.write_once(
        "POST",
        &format!("/api/v1/cases/{id}/decision"),
        &anna,
        "p1",
        &json!({ "version": v, "kind": "proposal", "note": "Half back", "amount_minor": 100 }),
    )
    .await
    .ok();
    let before = snapshot(&app, &id).await;
    // The desk cannot accept for her; nobody else can reach the case.
    for (n, session) in [
        anna.clone(),
        app.sign_in(MERCHANT_NORDIC_2).await,
        app.sign_in(SUPPORT_SE).await,
        app.sign_in(CUSTOMER_OSKAR).await,
        app.sign_in(MERCHANT_LUMO).await,
    ]
    .iter()
    .enumerate()
    {
        app.write_once(
            "POST",
            &path,
            session,
            &format!("x{n}"),
            &json!({ "version": v + 1 }),
        )
        .await
        .problem(StatusCode::NOT_FOUND, "not-found");
    }
    // A stale accept is a conflict.
    app.write_once("POST", &path, &lisa, "x-stale", &json!({ "version": v }))
        .await
        .problem(StatusCode::CONFLICT, "stale-version");
    assert_eq!(snapshot(&app, &id).await, before, "nothing changed");
}

#[tokio::test]
async fn a_later_decision_withdraws_the_open_proposal() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let lisa = app.sign_in(CUSTOMER_LISA).await;
    let (id, v) = app.lisas_open_case(&anna).await;
    app.write_once(
        "POST",
        &format!("/api/v1/cases/{id}/decision"),
        &anna,
        "p1",
        &json!({ "version": v, "kind": "proposal", "note": "Half back", "amount_minor": 100 }),
    )
    .await
    .ok();
    // She asks something; the proposal stays open while they talk.
    let replied = app
        .post_message(&lisa, &id, v + 1, "m1", "Can I return it instead?")
        .await;
    assert_eq!(replied["summary"]["status"], "awaiting_merchant");
    assert_eq!(replied["proposal"]["note"], "Half back");
    // A new proposal replaces the open one.
    let replaced = app
        .write_once(
            "POST",
            &format!("/api/v1/cases/{id}/decision"),
            &anna,
            "p2",
            &json!({ "version": v + 2, "kind": "proposal", "note": "Or a voucher" }),
        )
        .await
        .ok();
    assert_eq!(replaced["proposal"]["note"], "Or a voucher");
    assert!(replaced["proposal"]["amount_minor"].is_null());
    // The desk then decides otherwise: a return label.
    let label = app
        .write_once(
            "POST",
            &format!("/api/v1/cases/{id}/decision"),
            &anna,
            "d1",
            &json!({ "version": v + 3, "kind": "return_label" }),
        )
        .await
        .ok();
    assert_eq!(label["summary"]["status"], "awaiting_return");
    assert!(label["proposal"].is_null());
    assert!(app.case(&lisa, &id).await["proposal"].is_null());
    app.write_once(
        "POST",
        &format!("/api/v1/cases/{id}/proposal/accept"),
        &lisa,
        "a1",
        &json!({ "version": v + 4 }),
    )
    .await
    .problem(StatusCode::CONFLICT, "no-proposal");
    assert_eq!(app.case(&anna, &id).await["refunded_minor"], 0);
}

#[tokio::test]
async fn a_prepared_proposal_is_sent_in_bulk_like_any_decision() {
    let app = TestApp::seeded().await;
    let anna = app.sign_in(MERCHANT_NORDIC).await;
    let lisa = app.sign_in(CUSTOMER_LISA).await;
    let (id, _) = app.lisas_open_case(&anna).await;
    let v = prepare(
        &app,
        &anna,
        &id,
        json!({ "kind": "proposal", "note": "A voucher of 100 kr", "amount_minor": 100 }),
    )
    .await;
    // Prepared is not proposed: the customer sees nothing yet.
    assert!(app.case(&lisa, &id).await["proposal"].is_null());
    let sent = app
        .write_once(
            "POST",
            "/api/v1/prepared/send",
            &anna,
            "b1",
            &json!({ "cases": [{ "id": id, "version": v }] }),
        )
        .await
        .ok();
    assert_eq!(sent["results"][0]["ok"], true);
    assert_eq!(sent["results"][0]["status"], "awaiting_customer");
    let seen = app.case(&lisa, &id).await;
    assert_eq!(seen["proposal"]["note"], "A voucher of 100 kr");
    assert_eq!(seen["proposal"]["amount_minor"], 100);
    assert!(seen["prepared"].is_null());
}
