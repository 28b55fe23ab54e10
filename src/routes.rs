//! Every address in the app, from one enum, so no link is a loose string.

use claimdesk_shared::{CaseId, Inbox, Role};

use crate::api::CaseQuery;

/// A tab of the case view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaseTab {
    Receipt,
    Messages,
    Notes,
    Events,
}

impl CaseTab {
    pub const ALL: &'static [CaseTab] = &[
        CaseTab::Receipt,
        CaseTab::Messages,
        CaseTab::Notes,
        CaseTab::Events,
    ];

    pub const fn slug(self) -> &'static str {
        match self {
            CaseTab::Receipt => "receipt",
            CaseTab::Messages => "messages",
            CaseTab::Notes => "notes",
            CaseTab::Events => "events",
        }
    }

    /// Notes and events are the desk's; customers see receipt and messages.
    pub fn visible_to(self, role: Role) -> bool {
        role != Role::Customer || matches!(self, CaseTab::Receipt | CaseTab::Messages)
    }

    /// The tab named in a URL (none: the receipt); `None` for unknown names.
    pub fn from_slug(slug: Option<&str>) -> Option<CaseTab> {
        match slug {
            None => Some(CaseTab::Receipt),
            Some(slug) => CaseTab::ALL.iter().copied().find(|t| t.slug() == slug),
        }
    }
}

/// A place in the app.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AppRoute {
    SignIn,
    Home,
    /// An inbox with its search, filters, order and page.
    Inbox(CaseQuery),
    Case {
        id: CaseId,
        tab: CaseTab,
    },
    /// The desk's quick texts, to add, change and delete.
    QuickTexts,
    /// A customer reports a problem with an order (this one, if given).
    Report,
    /// A customer's orders, with their cases and "report a problem".
    Orders,
    /// The marketplace's policy, for its support team.
    Policy,
    /// Where a merchant stands; for support, every merchant by risk, or
    /// `merchant`'s figures. Over the last `days` days (the page's default
    /// when `None`).
    Metrics {
        days: Option<i64>,
        merchant: Option<i64>,
    },
}

impl AppRoute {
    /// An inbox's first page without a search.
    pub fn inbox(inbox: Inbox) -> AppRoute {
        AppRoute::Inbox(CaseQuery::new(inbox))
    }

    /// The path (and query) of this place.
    pub fn href(&self) -> String {
        match self {
            AppRoute::SignIn => "/sign-in".to_owned(),
            AppRoute::Home => "/".to_owned(),
            AppRoute::Inbox(query) => {
                let search = query.to_query_string();
                if search.is_empty() {
                    format!("/inbox/{}", query.inbox)
                } else {
                    format!("/inbox/{}?{search}", query.inbox)
                }
            }
            AppRoute::Case { id, tab } => format!("/cases/{id}/{}", tab.slug()),
            AppRoute::QuickTexts => "/quick-texts".to_owned(),
            AppRoute::Report => "/report".to_owned(),
            AppRoute::Orders => "/orders".to_owned(),
            AppRoute::Policy => "/policy".to_owned(),
            AppRoute::Metrics { days, merchant } => {
                let query: Vec<String> = [("days", *days), ("merchant", *merchant)]
                    .into_iter()
                    .filter_map(|(name, value)| value.map(|value| format!("{name}={value}")))
                    .collect();
                if query.is_empty() {
                    "/metrics".to_owned()
                } else {
                    format!("/metrics?{}", query.join("&"))
                }
            }
        }
    }
}

/// Which page an address shows, without its parameters. The app matches
/// its handful of addresses itself instead of with leptos_router's
/// `<Routes>`, whose nested-route machinery was the largest single item in
/// the download (BENCHMARKS.md); the router still keeps the history, the
/// links and the query. Parameters are read by the page from the path, so
/// moving between two inboxes, two cases or two tabs keeps the page (and
/// the shell) and only changes its data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Page {
    SignIn,
    Home,
    Inbox,
    Case,
    QuickTexts,
    Report,
    Orders,
    Policy,
    Metrics,
    NotFound,
}

impl Page {
    /// The page for a path (`/inbox/open`, `/cases/C-10234/messages`).
    pub fn of(path: &str) -> Page {
        let mut parts = segments(path);
        match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (None, ..) => Page::Home,
            (Some("sign-in"), None, ..) => Page::SignIn,
            (Some("inbox"), Some(_), None, _) => Page::Inbox,
            (Some("cases"), Some(_), _, None) => Page::Case,
            (Some("quick-texts"), None, ..) => Page::QuickTexts,
            (Some("report"), None, ..) => Page::Report,
            (Some("orders"), None, ..) => Page::Orders,
            (Some("policy"), None, ..) => Page::Policy,
            (Some("metrics"), None, ..) => Page::Metrics,
            _ => Page::NotFound,
        }
    }

    /// Pages inside the signed-in frame (navigation, account).
    pub fn in_shell(self) -> bool {
        matches!(
            self,
            Page::Home
                | Page::Inbox
                | Page::Case
                | Page::QuickTexts
                | Page::Report
                | Page::Orders
                | Page::Policy
                | Page::Metrics
        )
    }
}

/// The sign-in page, sending the user on to `next` (a path of this app)
/// once signed in: a link from an email, or the page a session ended on.
pub fn sign_in_then(next: &str) -> String {
    format!(
        "{}?next={}",
        AppRoute::SignIn.href(),
        String::from(js_sys::encode_uri_component(next))
    )
}

/// Where the sign-in page sends a user: `next` if it is a path of this app
/// (never another site: `//host` and `/\\host` are refused), else home.
pub fn after_sign_in(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with('/') && !path.starts_with("//") && !path.starts_with("/\\") =>
        {
            path.to_owned()
        }
        _ => AppRoute::Home.href(),
    }
}

/// The path's `n`th segment (0-based, empty segments skipped):
/// `segment("/cases/C-10234/notes", 1)` is `C-10234`.
pub fn segment(path: &str, n: usize) -> Option<&str> {
    segments(path).nth(n)
}

fn segments(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|s| !s.is_empty())
}
