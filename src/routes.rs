//! Every address in the app, from one enum, so no link is a loose string.

use claimdesk_shared::{CaseId, Inbox};

/// A tab of the case view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaseTab {
    Receipt,
}

impl CaseTab {
    pub const ALL: &'static [CaseTab] = &[CaseTab::Receipt];

    pub const fn slug(self) -> &'static str {
        match self {
            CaseTab::Receipt => "receipt",
        }
    }

    /// The tab named in a URL; unknown or missing names open the receipt.
    pub fn from_slug(slug: Option<&str>) -> Option<CaseTab> {
        match slug {
            None | Some("receipt") => Some(CaseTab::Receipt),
            Some(_) => None,
        }
    }
}

/// A place in the app.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AppRoute {
    SignIn,
    Home,
    Inbox { inbox: Inbox, q: String, page: i64 },
    Case { id: CaseId, tab: CaseTab },
}

impl AppRoute {
    /// An inbox's first page without a search.
    pub fn inbox(inbox: Inbox) -> AppRoute {
        AppRoute::Inbox {
            inbox,
            q: String::new(),
            page: 1,
        }
    }

    /// The path (and query) of this place.
    pub fn href(&self) -> String {
        match self {
            AppRoute::SignIn => "/sign-in".to_owned(),
            AppRoute::Home => "/".to_owned(),
            AppRoute::Inbox { inbox, q, page } => {
                let mut query = Vec::new();
                if !q.is_empty() {
                    query.push(format!("q={}", js_sys::encode_uri_component(q)));
                }
                if *page > 1 {
                    query.push(format!("page={page}"));
                }
                if query.is_empty() {
                    format!("/inbox/{inbox}")
                } else {
                    format!("/inbox/{inbox}?{}", query.join("&"))
                }
            }
            AppRoute::Case { id, tab } => format!("/cases/{id}/{}", tab.slug()),
        }
    }
}
