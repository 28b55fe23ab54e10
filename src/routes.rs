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
        }
    }
}
