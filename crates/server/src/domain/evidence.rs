//! Evidence: whether a photo the customer sent with a case is the same
//! picture as one sent with another case of the marketplace (the same
//! damaged parcel claimed twice, a picture found on the web), by the
//! photos' fingerprints (`crate::fingerprint`). Shown to the desk only, as
//! `CaseAlert::SamePhoto`.

use std::collections::HashMap;

use claimdesk_shared::case_id::CaseId;
use claimdesk_shared::wire::CaseAlert;

use crate::error::AppResult;
use crate::fingerprint::{distance, SAME_PICTURE_BITS};
use crate::scope::Scope;
use crate::state::AppState;
use crate::store::{self, fingerprints};

// The store's index finds every fingerprint within `SAME_PICTURE_BITS`
// only while that is less than its number of bands (pigeonhole).
const _: () = assert!(SAME_PICTURE_BITS < fingerprints::BANDS as u32);

/// The most other cases one alert list names, the most recent first.
const MAX_ALERTS: usize = 3;

/// The alerts for case `id` seen through `scope`: each other case of the
/// marketplace with a photo from its customer that is the same picture as
/// one from this case's customer, the most recent first. The other case is
/// named only to those who may open it (a merchant hears of another
/// merchant's case without its id); customers get none.
pub async fn same_photo_alerts(
    db: &store::Db,
    scope: Scope,
    id: CaseId,
    customer_id: i64,
) -> AppResult<Vec<CaseAlert>> {
    if matches!(scope, Scope::Customer(_)) {
        return Ok(Vec::new());
    }
    let mut same: Vec<i64> = fingerprints::near(db, id.0)
        .await?
        .into_iter()
        .filter(|c| distance(c.hash, c.other_hash) <= SAME_PICTURE_BITS)
        .map(|c| c.other_attachment)
        .collect();
    same.sort_unstable();
    same.dedup();
    // One alert per other case, dated by its earliest such photo.
    let mut by_case: HashMap<i64, fingerprints::SentWith> = HashMap::new();
    for sent in fingerprints::sent_with(db, id.0, &same).await? {
        match by_case.get(&sent.case_id) {
            Some(kept) if kept.sent_at <= sent.sent_at => {}
            _ => {
                by_case.insert(sent.case_id, sent);
            }
        }
    }
    let mut others: Vec<_> = by_case.into_values().collect();
    others.sort_by_key(|sent| (std::cmp::Reverse(sent.sent_at), sent.case_id));
    Ok(others
        .into_iter()
        .take(MAX_ALERTS)
        .map(|sent| CaseAlert::SamePhoto {
            other_case: scope.sees(sent.owners).then_some(CaseId(sent.case_id)),
            sent_at: sent.sent_at,
            same_customer: sent.owners.customer_id == customer_id,
        })
        .collect())
}

/// How many stored files the backfill reads at a time.
const BACKFILL_BATCH: i64 = 32;

/// Fingerprints every picture stored without one (files from before
/// migration 0024), a batch at a time, and returns how many it did. Run
/// once at start, beside the server; files that do not decode are passed
/// over, not retried.
pub async fn backfill(state: &AppState) -> AppResult<usize> {
    let (mut after, mut done) = (0, 0);
    loop {
        let batch = fingerprints::unfingerprinted(&state.db, after, BACKFILL_BATCH).await?;
        let Some((last, _, _)) = batch.last() else {
            return Ok(done);
        };
        after = *last;
        for (id, marketplace, bytes) in batch {
            if let Some(hash) = crate::fingerprint::fingerprint_blocking(bytes).await {
                let mut tx = store::Tx::begin(&state.writer).await?;
                tx.insert_fingerprint(id, marketplace, hash).await?;
                tx.commit().await?;
                done += 1;
            }
        }
    }
}
