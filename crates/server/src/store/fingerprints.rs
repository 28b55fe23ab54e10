//! The pictures' fingerprints (migration 0024, `crate::fingerprint`) and
//! the photos customers sent with their cases: with the report
//! (`case_photos`) and in their messages.

use chrono::{DateTime, Utc};
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

use super::{Db, Tx};
use crate::error::AppResult;
use crate::scope::CaseOwners;

/// How many equal parts a fingerprint's index has: two fingerprints that
/// differ in fewer bits than this share at least one part exactly.
pub const BANDS: usize = 4;

/// A fingerprint's four 16-bit quarters, as stored.
fn bands(hash: i64) -> [i64; BANDS] {
    let bits = hash as u64;
    [0, 16, 32, 48].map(|shift| ((bits >> shift) & 0xFFFF) as i64)
}

/// Stores the fingerprint of attachment `attachment` of `marketplace`, on
/// the connection of the write that stores the file (an upload, the seed).
pub(crate) async fn insert(
    conn: &mut SqliteConnection,
    attachment: i64,
    marketplace: i64,
    hash: i64,
) -> AppResult<()> {
    let [b0, b1, b2, b3] = bands(hash);
    sqlx::query(
        "INSERT INTO photo_fingerprints (attachment_id, marketplace_id, hash, band0, band1, band2, band3)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (attachment_id) DO NOTHING",
    )
    .bind(attachment)
    .bind(marketplace)
    .bind(hash)
    .bind(b0)
    .bind(b1)
    .bind(b2)
    .bind(b3)
    .execute(conn)
    .await?;
    Ok(())
}

impl Tx {
    /// Records attachment `attachment`'s fingerprint (the backfill).
    pub async fn insert_fingerprint(
        &mut self,
        attachment: i64,
        marketplace: i64,
        hash: i64,
    ) -> AppResult<()> {
        insert(&mut self.0, attachment, marketplace, hash).await
    }
}

/// A picture of the marketplace whose fingerprint shares a quarter with
/// one of the case's customer's photos: near enough to compare.
#[derive(Debug, sqlx::FromRow)]
pub struct Candidate {
    /// The case's own photo's fingerprint.
    pub hash: i64,
    pub other_attachment: i64,
    pub other_hash: i64,
}

/// The fingerprinted photos the customer of case `case` sent with it, each
/// with the other pictures of its marketplace near it.
pub async fn near(db: &Db, case: i64) -> AppResult<Vec<Candidate>> {
    // One quarter at a time, so each join is an index lookup (an OR of
    // four would scan); a picture sharing two quarters comes twice and is
    // compared twice, harmlessly.
    let mut qb = QueryBuilder::<Sqlite>::new("WITH mine AS (SELECT f.* FROM photo_fingerprints f WHERE f.attachment_id IN (SELECT attachment_id FROM case_photos WHERE case_id = ");
    qb.push_bind(case).push(
        " UNION SELECT ma.attachment_id FROM message_attachments ma
            JOIN messages m ON m.id = ma.message_id JOIN cases c ON c.id = m.case_id
           WHERE m.case_id = ",
    );
    qb.push_bind(case)
        .push(" AND m.author_id = c.customer_id)) ");
    for band in 0..BANDS {
        if band > 0 {
            qb.push(" UNION ALL ");
        }
        qb.push(format!(
            "SELECT mine.hash, o.attachment_id AS other_attachment, o.hash AS other_hash
               FROM mine JOIN photo_fingerprints o
                 ON o.marketplace_id = mine.marketplace_id AND o.band{band} = mine.band{band}
                AND o.attachment_id <> mine.attachment_id"
        ));
    }
    Ok(qb.build_query_as().fetch_all(db).await?)
}

/// A case whose customer sent one of the pictures asked about, and when.
#[derive(Debug, sqlx::FromRow)]
pub struct SentWith {
    pub case_id: i64,
    #[sqlx(flatten)]
    pub owners: CaseOwners,
    pub sent_at: DateTime<Utc>,
}

/// The cases other than `case` that pictures `attachments` were sent with
/// by their customers: with the report or in a message.
pub async fn sent_with(db: &Db, case: i64, attachments: &[i64]) -> AppResult<Vec<SentWith>> {
    if attachments.is_empty() {
        return Ok(Vec::new());
    }
    let mut qb = QueryBuilder::<Sqlite>::new(
        "SELECT c.id AS case_id, c.merchant_id, c.customer_id,
                c.marketplace_id, c.created_at AS sent_at
           FROM case_photos cp JOIN cases c ON c.id = cp.case_id WHERE c.id <> ",
    );
    qb.push_bind(case).push(" AND cp.attachment_id IN (");
    let mut ids = qb.separated(", ");
    for id in attachments {
        ids.push_bind(*id);
    }
    qb.push(
        ") UNION ALL
         SELECT c.id, c.merchant_id, c.customer_id, c.marketplace_id, m.created_at
           FROM message_attachments ma JOIN messages m ON m.id = ma.message_id
           JOIN cases c ON c.id = m.case_id AND m.author_id = c.customer_id
          WHERE c.id <> ",
    );
    qb.push_bind(case).push(" AND ma.attachment_id IN (");
    let mut ids = qb.separated(", ");
    for id in attachments {
        ids.push_bind(*id);
    }
    qb.push(")");
    Ok(qb.build_query_as().fetch_all(db).await?)
}

/// Up to `limit` picture files of any marketplace stored before
/// fingerprints were (or whose fingerprinting was cut short), for the
/// backfill: id, marketplace and bytes.
pub async fn unfingerprinted(
    db: &Db,
    after: i64,
    limit: i64,
) -> AppResult<Vec<(i64, i64, Vec<u8>)>> {
    Ok(sqlx::query_as(
        "SELECT a.id, a.marketplace_id, a.bytes FROM attachments a
          WHERE a.id > $1 AND a.content_type LIKE 'image/%'
            AND NOT EXISTS (SELECT 1 FROM photo_fingerprints f WHERE f.attachment_id = a.id)
          ORDER BY a.id LIMIT $2",
    )
    .bind(after)
    .bind(limit)
    .fetch_all(db)
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_near_each_other_share_a_quarter() {
        let a = 0x0123_4567_89AB_CDEFu64 as i64;
        // Three bits flipped, one in each of three quarters.
        let b = a ^ (1 << 3) ^ (1 << 20) ^ (1 << 40);
        let shared = bands(a)
            .iter()
            .zip(bands(b))
            .filter(|(x, y)| **x == *y)
            .count();
        assert_eq!(shared, 1);
        assert_eq!(bands(-1), [0xFFFF; 4]);
    }
}
