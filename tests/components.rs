//! Components rendered in headless Chromium (wasm-bindgen-test): what a user
//! would read and click, in more than one language.
#![cfg(target_arch = "wasm32")]

use chrono::{TimeZone, Utc};
use claimdesk::api::ApiError;
use claimdesk::components::case_table::CaseTable;
use claimdesk::components::confirmation::Confirmation;
use claimdesk::components::deadline_chip::DeadlineChip;
use claimdesk::components::error_view::ErrorView;
use claimdesk::components::status_badge::StatusBadge;
use claimdesk::i18n::*;
use claimdesk_shared::wire::{CaseSummary, NextStep, NextStepKind, OnBreach};
use claimdesk_shared::{CaseId, Handler, Kind, Reason, Role, Status};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

wasm_bindgen_test_configure!(run_in_browser);

/// Mounts `view` in its own element, inside the translations, and switches
/// to `locale` once the provider has settled on its own initial choice.
async fn mount<V: IntoView + 'static>(
    locale: Locale,
    view: impl FnOnce() -> V + Send + 'static,
) -> HtmlElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let root: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&root).unwrap();
    let context = RwSignal::new(None::<claimdesk::I18n>);
    leptos::mount::mount_to(root.clone(), move || {
        view! {
            <I18nContextProvider>
                {
                    context.set(Some(use_i18n()));
                    view()
                }
            </I18nContextProvider>
        }
    })
    .forget();
    settle().await;
    context
        .get_untracked()
        .expect("the provider ran")
        .set_locale(locale);
    settle().await;
    root
}

/// Lets Leptos apply pending updates.
async fn settle() {
    for _ in 0..3 {
        leptos::task::tick().await;
    }
}

fn text(root: &HtmlElement) -> String {
    root.text_content().unwrap_or_default()
}

#[wasm_bindgen_test]
async fn status_badges_speak_to_their_reader() {
    let table = [
        (
            Locale::En,
            Status::AwaitingCustomer,
            Role::Merchant,
            "Awaiting customer",
        ),
        (
            Locale::En,
            Status::AwaitingCustomer,
            Role::Customer,
            "In progress",
        ),
        (Locale::En, Status::Submitted, Role::Customer, "Submitted"),
        (Locale::Sv, Status::Submitted, Role::Merchant, "Ny"),
        (
            Locale::Sv,
            Status::PlatformReview,
            Role::Customer,
            "Plattformen granskar",
        ),
        (Locale::Nl, Status::Resolved, Role::Merchant, "Opgelost"),
    ];
    for (locale, status, role, expected) in table {
        let root = mount(
            locale,
            move || view! { <StatusBadge status=status role=role/> },
        )
        .await;
        assert_eq!(text(&root), expected, "{status} for {role} in {locale}");
    }
}

#[wasm_bindgen_test]
async fn switching_language_rewords_what_is_shown() {
    let root = mount(Locale::En, || {
        let i18n = use_i18n();
        view! {
            <StatusBadge status=Status::AwaitingReturn role=Role::Merchant/>
            <button on:click=move |_| i18n.set_locale(Locale::Sv)>"sv"</button>
        }
    })
    .await;
    assert_eq!(
        root.query_selector(".badge")
            .unwrap()
            .unwrap()
            .text_content()
            .unwrap(),
        "Awaiting return"
    );
    root.query_selector("button")
        .unwrap()
        .unwrap()
        .unchecked_into::<HtmlElement>()
        .click();
    settle().await;
    assert_eq!(
        root.query_selector(".badge")
            .unwrap()
            .unwrap()
            .text_content()
            .unwrap(),
        "Väntar på retur"
    );
}

#[wasm_bindgen_test]
async fn a_failed_request_says_why_and_retries_on_click() {
    let retries = RwSignal::new(0);
    let root = mount(Locale::En, move || {
        view! { <ErrorView error=ApiError::Network on_retry=move |_| retries.update(|n| *n += 1)/> }
    })
    .await;
    assert!(
        text(&root).contains("Could not reach the server"),
        "{}",
        text(&root)
    );
    let alert = root.query_selector("[role=alert]").unwrap();
    assert!(alert.is_some(), "the error is announced");
    let button: HtmlElement = root
        .query_selector("button")
        .unwrap()
        .unwrap()
        .unchecked_into();
    assert_eq!(button.text_content().unwrap(), "Try again");
    button.click();
    button.click();
    assert_eq!(retries.get_untracked(), 2);
}

#[wasm_bindgen_test]
async fn an_ended_session_offers_sign_in_instead_of_retry() {
    let root = mount(
        Locale::Nl,
        || view! { <ErrorView error=ApiError::Unauthenticated on_retry=|_| ()/> },
    )
    .await;
    assert!(
        text(&root).contains("Uw sessie is verlopen"),
        "{}",
        text(&root)
    );
    assert!(root.query_selector("button").unwrap().is_none());
    let link = root.query_selector("a").unwrap().unwrap();
    assert_eq!(link.get_attribute("href").unwrap(), "/sign-in");
}

fn summary(id: i64, value: i64) -> CaseSummary {
    CaseSummary {
        version: 1,
        id: CaseId(id),
        kind: Kind::Complaint,
        reason: Reason::Damaged,
        status: Status::Submitted,
        handler: Handler::Merchant,
        customer_name: "Lisa Andersson".into(),
        merchant_name: "Nordic Home AB".into(),
        order_number: "FM-4100000".into(),
        legacy_order_number: Some("CD780000".into()),
        product_title: "Oak serving board".into(),
        claimed_value_minor: value,
        currency: "SEK".into(),
        created_at: Utc.with_ymd_and_hms(2026, 11, 1, 8, 0, 0).unwrap(),
        held_by: None,
        due_at: None,
        on_breach: None,
        prepared: None,
        next_step: None,
    }
}

#[wasm_bindgen_test]
async fn the_case_table_links_each_case_and_formats_money_for_the_reader() {
    let items = vec![summary(10234, 64_900), summary(10235, 129_900)];
    let root = mount(
        Locale::Sv,
        move || view! { <CaseTable items=items role=Role::Merchant/> },
    )
    .await;
    let links = root.query_selector_all("tbody th a").unwrap();
    assert_eq!(links.length(), 2);
    let first = links.get(0).unwrap().unchecked_into::<web_sys::Element>();
    assert_eq!(first.text_content().unwrap(), "C-10234");
    assert_eq!(
        first.get_attribute("href").unwrap(),
        "/cases/C-10234/receipt"
    );
    let content = text(&root);
    // Swedish money: comma decimals and "kr", with a (non-breaking) space.
    assert!(
        content.contains("649,00") && content.contains("kr"),
        "{content}"
    );
    assert!(
        content.contains("Skadad"),
        "the reason is in Swedish: {content}"
    );
    assert!(
        content.contains("CD780000"),
        "the legacy order number is shown: {content}"
    );
    // Merchants get the deadline column but no merchant column.
    assert_eq!(root.query_selector_all("thead th").unwrap().length(), 10);
    assert!(content.contains("Svara inom"), "{content}");
}

#[wasm_bindgen_test]
async fn a_customers_list_names_who_handles_each_case_and_what_happens_next() {
    let mut waiting = summary(10237, 64_900);
    waiting.next_step = Some(NextStep {
        kind: NextStepKind::MerchantAnswers,
        due_at: Some(Utc.with_ymd_and_hms(2026, 11, 3, 9, 0, 0).unwrap()),
    });
    let mut closed = summary(10238, 12_900);
    closed.status = Status::Resolved;
    closed.next_step = Some(NextStep {
        kind: NextStepKind::RateSupport,
        due_at: None,
    });
    let items = vec![waiting, closed];
    let root = mount(
        Locale::En,
        move || view! { <CaseTable items=items role=Role::Customer/> },
    )
    .await;
    let headers = root
        .query_selector("thead")
        .unwrap()
        .unwrap()
        .text_content()
        .unwrap_or_default();
    // Not themselves as the customer, nor the desk's clock; the merchant.
    assert!(
        !headers.contains("Customer") && !headers.contains("Respond"),
        "{headers}"
    );
    assert!(
        headers.contains("Merchant") && headers.contains("What happens next"),
        "{headers}"
    );
    let content = text(&root);
    assert!(!content.contains("Lisa Andersson"), "{content}");
    assert!(
        content.contains("Waiting for Nordic Home AB's answer, due by"),
        "{content}"
    );
    assert!(content.contains("Closed: rate the support"), "{content}");
}

#[wasm_bindgen_test]
async fn the_case_table_shows_what_people_typed_as_text_never_as_markup() {
    // The rows are written as HTML (case_table.rs): every text is escaped.
    let mut case = summary(10236, 5_000);
    case.customer_name = "<img src=x onerror=alert(1)> Bo & \"Co\"".into();
    case.product_title = "</td><td>forged cell".into();
    case.order_number = "FM-1\" onclick=\"alert(1)".into();
    let root = mount(
        Locale::En,
        move || view! { <CaseTable items=vec![case] role=Role::Merchant/> },
    )
    .await;
    let content = text(&root);
    assert!(
        content.contains("<img src=x onerror=alert(1)> Bo & \"Co\""),
        "{content}"
    );
    assert!(content.contains("</td><td>forged cell"), "{content}");
    assert!(root.query_selector("tbody img").unwrap().is_none());
    assert_eq!(root.query_selector_all("tbody td").unwrap().length(), 9);
    let order = root.query_selector(".order-number").unwrap().unwrap();
    assert_eq!(order.text_content().unwrap(), "FM-1\" onclick=\"alert(1)");
    assert!(!order.has_attribute("onclick"));
}

#[wasm_bindgen_test]
async fn the_case_tables_countdowns_move_with_the_shared_clock() {
    // Whole milliseconds, as the due time below is.
    let start = js_sys::Date::now().floor();
    let now = RwSignal::new(start);
    let mut case = summary(10237, 64_900);
    let due_at = Utc.timestamp_millis_opt(start as i64).unwrap() + chrono::Duration::minutes(125);
    case.due_at = Some(due_at);
    case.on_breach = Some(OnBreach::Escalate);
    let root = mount(Locale::En, move || {
        provide_context(claimdesk::ticker::Now(now.into()));
        view! { <CaseTable items=vec![case] role=Role::Merchant/> }
    })
    .await;
    let chip = || root.query_selector(".chip").unwrap().unwrap();
    assert!(
        chip().class_list().contains("chip-warning"),
        "{}",
        chip().class_name()
    );
    assert!(
        text(&root).contains("Escalates to the platform in 2 h 5 min"),
        "{}",
        text(&root)
    );
    // Ten minutes on: under two hours left is critical.
    now.set(start + 10.0 * 60_000.0);
    settle().await;
    assert!(
        chip().class_list().contains("chip-critical"),
        "{}",
        chip().class_name()
    );
    assert!(
        text(&root).contains("Escalates to the platform in 1 h 55 min"),
        "{}",
        text(&root)
    );
    // And past the deadline, overdue.
    now.set(start + 126.0 * 60_000.0);
    settle().await;
    assert!(
        chip().class_list().contains("chip-breached"),
        "{}",
        chip().class_name()
    );
    assert!(text(&root).contains("Overdue by"), "{}", text(&root));
}

#[wasm_bindgen_test]
async fn deadline_chips_say_what_happens_and_when_in_the_readers_language() {
    // The browser's clock (std has none on wasm32-unknown-unknown).
    let now = Utc
        .timestamp_millis_opt(js_sys::Date::now() as i64)
        .unwrap();
    let cases = [
        // (locale, minutes left, what happens, class, words)
        (
            Locale::Sv,
            3 * 60 + 1,
            OnBreach::AutoRefund {
                amount_minor: 64_900,
            },
            "chip-warning",
            "Automatisk återbetalning 649,00",
        ),
        (
            Locale::En,
            40,
            OnBreach::Escalate,
            "chip-critical",
            "Escalates to the platform in 39 min",
        ),
        (
            Locale::Nl,
            3 * 24 * 60 + 30,
            OnBreach::Escalate,
            "chip-calm",
            "Gaat over 3 d 0 u naar het platform",
        ),
        (
            Locale::En,
            -6,
            OnBreach::AutoRefund {
                amount_minor: 1_000,
            },
            "chip-breached",
            "Overdue by 6 min: auto-refund",
        ),
    ];
    for (locale, minutes, on_breach, class, words) in cases {
        let due_at = now + chrono::Duration::minutes(minutes);
        let root = mount(locale, move || {
            view! { <DeadlineChip due_at=due_at on_breach=on_breach currency="SEK".to_owned()/> }
        })
        .await;
        let chip = root.query_selector(".chip").unwrap().unwrap();
        let text = chip.text_content().unwrap();
        assert!(
            chip.class_list().contains(class),
            "{minutes} min: {}",
            chip.class_name()
        );
        assert!(text.contains(words), "{minutes} min: {text}");
    }
}

#[wasm_bindgen_test]
fn an_inbox_address_holds_only_what_differs_from_the_default() {
    use claimdesk::api::CaseQuery;
    use claimdesk::routes::AppRoute;
    use claimdesk_shared::{CaseSort, Inbox};
    let plain = CaseQuery::new(Inbox::Open);
    assert_eq!(plain.to_query_string(), "");
    assert_eq!(AppRoute::Inbox(plain.clone()).href(), "/inbox/open");
    let from_empty = CaseQuery::from_params(Inbox::Open, |_| None);
    assert_eq!(from_empty, plain);
    let full = CaseQuery {
        q: " Anna & co ".to_owned(),
        page: 2,
        sort: Some(CaseSort::Value),
        breaching_soon: true,
        ..plain
    };
    let href = AppRoute::Inbox(full.clone()).href();
    assert_eq!(
        href,
        "/inbox/open?breaching_soon=true&sort=value&q=Anna%20%26%20co&page=2"
    );
    // Read back from its own address, the query is the same.
    let params: Vec<(String, String)> = href
        .split_once('?')
        .unwrap()
        .1
        .split('&')
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap();
            (
                k.to_owned(),
                js_sys::decode_uri_component(v).unwrap().into(),
            )
        })
        .collect();
    let back = CaseQuery::from_params(Inbox::Open, |name| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    });
    assert_eq!(
        back,
        CaseQuery {
            q: "Anna & co".to_owned(),
            ..full
        }
    );
}

#[wasm_bindgen_test]
fn every_address_names_its_page() {
    use claimdesk::routes::{segment, Page};
    let table = [
        ("/", Page::Home),
        ("", Page::Home),
        ("/sign-in", Page::SignIn),
        ("/inbox/open", Page::Inbox),
        ("/inbox/open/", Page::Inbox),
        ("/inbox", Page::NotFound),
        ("/inbox/open/extra", Page::NotFound),
        ("/cases/C-10234", Page::Case),
        ("/cases/C-10234/messages", Page::Case),
        ("/cases/C-10234/messages/more", Page::NotFound),
        ("/quick-texts", Page::QuickTexts),
        ("/report", Page::Report),
        ("/sign-in/again", Page::NotFound),
        ("/nowhere", Page::NotFound),
    ];
    for (path, page) in table {
        assert_eq!(Page::of(path), page, "{path}");
    }
    assert_eq!(segment("/cases/C-10234/notes", 1), Some("C-10234"));
    assert_eq!(segment("/cases/C-10234/notes", 2), Some("notes"));
    assert_eq!(segment("/cases/C-10234", 2), None);
    assert!(Page::Case.in_shell() && !Page::SignIn.in_shell() && !Page::NotFound.in_shell());
}

/// Two confirmations open at once (the deletes of two quick texts) each
/// name their dialog by their own question.
#[wasm_bindgen_test]
async fn two_open_confirmations_are_each_named_by_their_own_question() {
    let root = mount(Locale::En, || {
        view! {
            <Confirmation text="Delete “Thanks”?".to_string() pending=false on_confirm=|_| () on_cancel=|_| () />
            <Confirmation text="Delete “Sorry”?".to_string() pending=false on_confirm=|_| () on_cancel=|_| () />
        }
    })
    .await;
    let document = web_sys::window().unwrap().document().unwrap();
    let dialogs = root.query_selector_all("[role=alertdialog]").unwrap();
    assert_eq!(dialogs.length(), 2);
    let names: Vec<String> = (0..dialogs.length())
        .map(|index| {
            let dialog: web_sys::Element = dialogs.get(index).unwrap().unchecked_into();
            let label = dialog.get_attribute("aria-labelledby").unwrap();
            document
                .get_element_by_id(&label)
                .and_then(|named| named.text_content())
                .unwrap_or_default()
        })
        .collect();
    assert_eq!(names, ["Delete “Thanks”?", "Delete “Sorry”?"]);
}

#[wasm_bindgen_test]
async fn presence_names_colleagues_to_the_desk_and_only_typing_to_the_customer() {
    use claimdesk::components::presence_bar::PresenceBar;
    use claimdesk_shared::wire::{CasePresence, Viewer};
    let viewer = |user_id, name: &str, typing| Viewer {
        user_id,
        name: name.to_owned(),
        typing,
    };
    let state = CasePresence {
        id: CaseId(10234),
        viewers: vec![
            viewer(1, "Anna Lindqvist", false),
            viewer(2, "Erik Sjöberg", true),
        ],
        desk_typing: true,
    };
    let presence = RwSignal::new(Some(state.clone()));
    // Anna sees Erik, not herself.
    let desk = mount(Locale::En, move || {
        view! { <PresenceBar presence=presence me=1 customer=false typist="Nordic Home AB".to_owned()/> }
    })
    .await;
    assert_eq!(text(&desk), "Erik Sjöberg is typing…");
    // He stops: viewing; he leaves: nobody.
    presence.set(Some(CasePresence {
        viewers: vec![
            viewer(1, "Anna Lindqvist", false),
            viewer(2, "Erik Sjöberg", false),
        ],
        desk_typing: false,
        ..state.clone()
    }));
    settle().await;
    assert_eq!(text(&desk), "Erik Sjöberg is viewing this case");
    presence.set(Some(CasePresence {
        viewers: vec![viewer(1, "Anna Lindqvist", false)],
        desk_typing: false,
        ..state.clone()
    }));
    settle().await;
    assert_eq!(text(&desk), "");

    // The customer, in Swedish: who handles the case is typing, no names.
    let customer_view = RwSignal::new(Some(CasePresence {
        viewers: Vec::new(),
        desk_typing: true,
        ..state
    }));
    let customer = mount(Locale::Sv, move || {
        view! { <PresenceBar presence=customer_view me=7 customer=true typist="Nordic Home AB".to_owned()/> }
    })
    .await;
    assert_eq!(text(&customer), "Nordic Home AB skriver…");
    let live = customer.query_selector("[role=status]").unwrap().unwrap();
    assert_eq!(live.get_attribute("aria-live").as_deref(), Some("polite"));
}

#[wasm_bindgen_test]
fn signing_in_sends_on_only_to_a_page_of_this_app() {
    use claimdesk::routes::{after_sign_in, sign_in_then};
    assert_eq!(
        sign_in_then("/cases/C-10234/messages"),
        "/sign-in?next=%2Fcases%2FC-10234%2Fmessages"
    );
    assert_eq!(
        after_sign_in(Some("/cases/C-10234/messages")),
        "/cases/C-10234/messages"
    );
    for elsewhere in [
        "//evil.example/x",
        "/\\evil.example",
        "https://evil.example",
        "javascript:alert(1)",
        "",
    ] {
        assert_eq!(after_sign_in(Some(elsewhere)), "/", "{elsewhere}");
    }
    assert_eq!(after_sign_in(None), "/");
}
