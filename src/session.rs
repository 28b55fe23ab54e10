//! Who is signed in, shared through context as a small `Copy` struct.
//!
//! The user is derived from one resource (`GET /me`) that refetches whenever
//! a sign-in or sign-out completes, so there is no second copy to keep in sync.

use claimdesk_shared::wire::{Me, SignIn, UpdateMe};
use claimdesk_shared::Locale;
use leptos::prelude::*;

use crate::api;
use crate::fetched::Fetched;
use crate::i18n::use_i18n;
use crate::write::Write;

/// The session context.
#[derive(Clone, Copy)]
pub struct Session {
    /// `GET /me`: `Err(Unauthenticated)` when signed out.
    pub me: Fetched<Me>,
    /// Signing in, and why it failed.
    pub signing_in: Write,
    /// Signing out.
    pub signing_out: Write,
    /// Bumped after every change the user makes, so views that summarise
    /// data (the inbox counts) know to fetch again.
    pub changes: RwSignal<u64>,
    /// Whether the user signed out in this tab: the sign-in page then
    /// starts afresh instead of returning to the page they left.
    pub signed_out: StoredValue<bool>,
}

impl Session {
    /// The signed-in user, once known.
    pub fn user(&self) -> Option<Me> {
        self.me.ok()
    }

    /// Signs in; `me` follows.
    pub fn sign_in(&self, input: SignIn) {
        let me = self.me;
        self.signing_in.run(async move {
            api::sign_in(input).await?;
            me.refetch();
            Ok(())
        });
    }

    /// Signs out; `me` follows (and the shell sends the user to sign-in).
    pub fn sign_out(&self) {
        self.signed_out.set_value(true);
        let me = self.me;
        self.signing_out.run(async move {
            api::sign_out().await?;
            me.refetch();
            Ok(())
        });
    }

    /// Ends every session of the user, this browser's too; `me` follows.
    pub fn sign_out_everywhere(&self) {
        self.signed_out.set_value(true);
        let me = self.me;
        self.signing_out.run(async move {
            api::sign_out_everywhere().await?;
            me.refetch();
            Ok(())
        });
    }

    /// Records that the user changed something.
    pub fn touch(&self) {
        self.changes.update(|n| *n += 1);
    }
}

/// Creates the session and puts it in context.
pub fn provide_session() {
    let i18n = use_i18n();
    let me = Fetched::new(move || {
        async move {
            let me = api::me().await;
            // The language a user chose is remembered server-side; apply it
            // the moment we learn who they are.
            if let Ok(me) = &me {
                i18n.set_locale(me.locale);
            }
            me
        }
    });
    provide_context(Session {
        me,
        signing_in: Write::new(),
        signing_out: Write::new(),
        changes: RwSignal::new(0),
        signed_out: StoredValue::new(false),
    });
}

/// The session from context.
pub fn use_session() -> Session {
    expect_context::<Session>()
}

/// Switches the interface language, and remembers it for a signed-in user.
pub fn change_locale(session: Session, i18n: crate::I18n, locale: Locale) {
    i18n.set_locale(locale);
    if session.user().is_some() {
        leptos::task::spawn_local(async move {
            // Remembering is a convenience: the switch has already happened,
            // so a failure here only means the next sign-in starts in the old
            // language.
            let _ = api::update_me(UpdateMe { locale }).await;
        });
    }
}
