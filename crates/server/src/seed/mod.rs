//! Deterministic demo data: two marketplaces, five merchants with two agents
//! each, consumers and retailers, a support agent per marketplace, 320 orders
//! and about a hundred cases over every status, kind and reason, with
//! messages, notes, events and photos. Everything is made here, offline.
//!
//! "Deterministic" means: the same `now` gives the same database (ids, texts,
//! pictures, and times relative to `now`).

pub mod bulk;
mod catalog;
pub(crate) mod images;

use chrono::{DateTime, Duration, Utc};
use claimdesk_shared::{Handler, Reason, Status};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::json;
use sqlx::{Sqlite, SqlitePool, Transaction};

use crate::sla::calendar::Calendar;
use crate::sla::deadline::{Response, ResponseHours, HIGH_VALUE_EXTENSION_HOURS};
use catalog::{MARKETPLACES, MERCHANTS};

/// The password of every demo account (listed in the README).
pub const DEMO_PASSWORD: &str = "claimdesk-demo";
/// The merchant whose oldest new case the seed puts three hours from its
/// response deadline (see `Seeder::near_breach`).
pub const NEAR_BREACH_MERCHANT: &str = "Fjäll Outdoor";
/// Orders made by the seed.
pub const ORDER_COUNT: usize = 320;
/// Readable ids of seeded cases start here (`C-10001`).
pub const FIRST_CASE_ID: i64 = 10_001;
/// The merchant whose agents find decisions prepared on some of its open
/// cases (see `Seeder::prepared`).
pub const PREPARED_MERCHANT: &str = "Nordic Home AB";

type Tx<'a> = Transaction<'a, Sqlite>;

/// Seeds the demo world unless the database already has a marketplace.
/// Returns whether it seeded.
pub async fn seed_if_empty(pool: &SqlitePool, now: DateTime<Utc>) -> anyhow::Result<bool> {
    let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM marketplaces")
        .fetch_one(pool)
        .await?;
    if existing > 0 {
        return Ok(false);
    }
    let password_hash = crate::auth::hash_password(DEMO_PASSWORD)?;
    let mut tx = pool.begin().await?;
    let mut seeder = Seeder {
        rng: StdRng::seed_from_u64(2026),
        now,
        password_hash,
    };
    seeder.run(&mut tx).await?;
    tx.commit().await?;
    // Every open case's response clock, stored as a status change would.
    let writer = crate::store::Writer::new(pool.clone());
    crate::sla::clock::refresh_unset(pool, &writer, now)
        .await
        .map_err(|e| anyhow::anyhow!("storing the response clocks: {e:?}"))?;
    // And the responses the stories settled, met or missed, as the clock
    // would have recorded them.
    crate::sla::clock::record_history(pool, &writer)
        .await
        .map_err(|e| anyhow::anyhow!("recording the responses: {e:?}"))?;
    Ok(true)
}

struct Seeder {
    rng: StdRng,
    now: DateTime<Utc>,
    password_hash: String,
}

/// An order as the case generator needs it.
struct SeededOrder {
    id: i64,
    marketplace: usize,
    merchant: usize,
    customer_id: i64,
    placed_at: DateTime<Utc>,
    delivered_at: Option<DateTime<Utc>>,
    /// (order line id, title, quantity, unit price)
    lines: Vec<(i64, String, i64, i64)>,
}

/// Every user id the seed made, by role.
#[derive(Default)]
struct People {
    /// Per merchant index, its two agents.
    agents: Vec<[i64; 2]>,
    /// Per marketplace index.
    support: Vec<i64>,
    /// Per marketplace index, its customers.
    customers: Vec<Vec<i64>>,
}

impl Seeder {
    async fn run(&mut self, tx: &mut Tx<'_>) -> anyhow::Result<()> {
        let people = self.world(tx).await?;
        let orders = self.orders(tx, &people).await?;
        self.cases(tx, &people, &orders).await?;
        self.same_photo_pair(tx).await?;
        self.near_breach(tx).await?;
        self.prepared(tx).await?;
        // Every third complaint came with the customer's wish for a free
        // exchange (deterministic, like the rest of the demo).
        sqlx::query("UPDATE cases SET free_exchange = 1 WHERE kind = 'complaint' AND id % 3 = 0")
            .execute(&mut **tx)
            .await?;
        // The payout of an order is blocked while any case on it is open.
        sqlx::query(
            "UPDATE orders SET payout = CASE
                WHEN EXISTS (SELECT 1 FROM cases c WHERE c.order_id = orders.id
                             AND c.status NOT IN ('resolved', 'rejected')) THEN 'blocked'
                WHEN delivered_at IS NOT NULL AND delivered_at < $1 THEN 'released'
                ELSE 'pending' END",
        )
        .bind(self.now - Duration::days(14))
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    async fn user(
        &self,
        tx: &mut Tx<'_>,
        marketplace_id: i64,
        merchant_id: Option<i64>,
        role: &str,
        (name, email, locale): (&str, &str, &str),
        customer: Option<(&str, Option<&str>, &str)>,
    ) -> anyhow::Result<i64> {
        let (kind, company, address) = customer.unwrap_or(("", None, ""));
        let id = sqlx::query(
            "INSERT INTO users (marketplace_id, merchant_id, role, email, name, locale, password_hash,
                                customer_kind, company, address)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(marketplace_id)
        .bind(merchant_id)
        .bind(role)
        .bind(email)
        .bind(name)
        .bind(locale)
        .bind(&self.password_hash)
        .bind((!kind.is_empty()).then_some(kind))
        .bind(company)
        .bind(address)
        .execute(&mut **tx)
        .await?
        .last_insert_rowid();
        Ok(id)
    }

    async fn attachment(
        &self,
        tx: &mut Tx<'_>,
        marketplace_id: i64,
        filename: &str,
        bytes: Vec<u8>,
    ) -> anyhow::Result<i64> {
        // The seed's pictures are PNG drawings and one JPEG copy.
        let content_type = if bytes.starts_with(b"\xFF\xD8") {
            "image/jpeg"
        } else {
            "image/png"
        };
        let fingerprint = crate::fingerprint::fingerprint(&bytes);
        let id = sqlx::query(
            "INSERT INTO attachments (marketplace_id, filename, content_type, size, bytes, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(marketplace_id)
        .bind(filename)
        .bind(content_type)
        .bind(bytes.len() as i64)
        .bind(bytes)
        .bind(self.now)
        .execute(&mut **tx)
        .await?
        .last_insert_rowid();
        if let Some(hash) = fingerprint {
            crate::store::fingerprints::insert(tx, id, marketplace_id, hash).await?;
        }
        Ok(id)
    }

    /// The duplicate-photo warning's demo (domain/evidence.rs): the newest
    /// open case of the first merchant with photos also carries the
    /// picture another customer sent with a case of the same merchant,
    /// closed now, three or more weeks before, scaled down and saved again
    /// as JPEG.
    async fn same_photo_pair(&self, tx: &mut Tx<'_>) -> anyhow::Result<()> {
        let (case_id, customer_id, marketplace_id, merchant_id): (i64, i64, i64, i64) =
            sqlx::query_as(
                "SELECT c.id, c.customer_id, c.marketplace_id, c.merchant_id FROM cases c
              WHERE c.merchant_id = $1 AND c.status IN ('submitted', 'awaiting_merchant')
                AND EXISTS (SELECT 1 FROM case_photos cp WHERE cp.case_id = c.id)
              ORDER BY c.created_at DESC, c.id LIMIT 1",
            )
            .bind(MERCHANTS[0].id)
            .fetch_one(&mut **tx)
            .await?;
        let original: Vec<u8> = sqlx::query_scalar(
            "SELECT a.bytes FROM cases c JOIN case_photos cp ON cp.case_id = c.id
               JOIN attachments a ON a.id = cp.attachment_id
              WHERE c.merchant_id = $1 AND c.customer_id <> $2 AND c.created_at < $3
                AND c.handler = 'merchant' AND c.status IN ('resolved', 'rejected')
              ORDER BY c.created_at DESC, a.id LIMIT 1",
        )
        .bind(merchant_id)
        .bind(customer_id)
        .bind(self.now - Duration::days(21))
        .fetch_one(&mut **tx)
        .await?;
        let copy = images::resaved_as_jpeg(&original, 0.6, 80)?;
        let photo = self
            .attachment(tx, marketplace_id, "IMG_4127.jpg", copy)
            .await?;
        sqlx::query("INSERT INTO case_photos (case_id, attachment_id) VALUES ($1, $2)")
            .bind(case_id)
            .bind(photo)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    /// Marketplaces, merchants, products and people.
    async fn world(&mut self, tx: &mut Tx<'_>) -> anyhow::Result<People> {
        let mut people = People::default();
        let reasons = Reason::MERCHANT_HANDLED_BY_DEFAULT
            .iter()
            .map(|r| r.as_str())
            .collect::<Vec<_>>()
            .join(",");
        for m in &MARKETPLACES {
            sqlx::query(
                "INSERT INTO marketplaces (id, name, currency, locale, time_zone, country,
                    high_value_threshold_minor, auto_refund_cap_minor, merchant_reasons,
                    reporting_window_days)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(m.id)
            .bind(m.name)
            .bind(m.currency)
            .bind(m.locale)
            .bind(m.time_zone)
            .bind(m.country)
            .bind(m.high_value_threshold_minor)
            .bind(m.auto_refund_cap_minor)
            .bind(&reasons)
            .bind(m.reporting_window_days)
            .execute(&mut **tx)
            .await?;
        }
        let mut image_index = 0;
        for merchant in &MERCHANTS {
            let domain = merchant.agents[0]
                .1
                .split_once('@')
                .map_or("merchant.example", |(_, d)| d);
            sqlx::query(
                "INSERT INTO merchants (id, marketplace_id, name, email, return_address)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(merchant.id)
            .bind(merchant.marketplace_id)
            .bind(merchant.name)
            .bind(format!("claims@{domain}"))
            .bind(merchant.return_address)
            .execute(&mut **tx)
            .await?;
            let mut agents = [0; 2];
            for (slot, agent) in agents.iter_mut().zip(merchant.agents) {
                *slot = self
                    .user(
                        tx,
                        merchant.marketplace_id,
                        Some(merchant.id),
                        "merchant",
                        agent,
                        None,
                    )
                    .await?;
            }
            people.agents.push(agents);
            for (n, (title, price)) in merchant.products.iter().enumerate() {
                let image = self
                    .attachment(
                        tx,
                        merchant.marketplace_id,
                        &format!("{}-{:03}.png", merchant.sku_prefix, n + 1),
                        images::product_image(image_index)?,
                    )
                    .await?;
                image_index += 1;
                sqlx::query("INSERT INTO products (sku, merchant_id, title, unit_price_minor, image_id) VALUES ($1, $2, $3, $4, $5)")
                    .bind(sku(merchant.sku_prefix, n))
                    .bind(merchant.id)
                    .bind(title)
                    .bind(price)
                    .bind(image)
                    .execute(&mut **tx)
                    .await?;
            }
        }
        // Each merchant (and each support team) starts with the saved answers
        // in its marketplace's language and in English.
        let owners = MERCHANTS
            .iter()
            .map(|m| (m.marketplace_id, Some(m.id)))
            .chain(MARKETPLACES.iter().map(|m| (m.id, None)));
        for (marketplace_id, merchant_id) in owners {
            let language = MARKETPLACES[(marketplace_id - 1) as usize].locale;
            for (locale, title, body) in catalog::QUICK_TEXTS {
                if locale == language || locale == "en" {
                    sqlx::query(
                        "INSERT INTO quick_texts (marketplace_id, merchant_id, title, locale, body, created_at, updated_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(marketplace_id)
                    .bind(merchant_id)
                    .bind(title)
                    .bind(locale)
                    .bind(body)
                    .bind(self.now)
                    .bind(self.now)
                    .execute(&mut **tx)
                    .await?;
                }
            }
        }
        for (marketplace_id, name, email, locale) in catalog::SUPPORT {
            people.support.push(
                self.user(
                    tx,
                    marketplace_id,
                    None,
                    "support",
                    (name, email, locale),
                    None,
                )
                .await?,
            );
        }
        let mut consumers = Vec::new();
        for (name, email, address) in catalog::CONSUMERS {
            consumers.push(
                self.user(
                    tx,
                    1,
                    None,
                    "customer",
                    (name, email, "sv"),
                    Some(("consumer", None, address)),
                )
                .await?,
            );
        }
        let mut retailers = Vec::new();
        for (name, email, company, address) in catalog::RETAILERS {
            retailers.push(
                self.user(
                    tx,
                    2,
                    None,
                    "customer",
                    (name, email, "nl"),
                    Some(("retailer", Some(company), address)),
                )
                .await?,
            );
        }
        people.customers = vec![consumers, retailers];
        Ok(people)
    }

    async fn orders(
        &mut self,
        tx: &mut Tx<'_>,
        people: &People,
    ) -> anyhow::Result<Vec<SeededOrder>> {
        let mut orders = Vec::with_capacity(ORDER_COUNT);
        for i in 0..ORDER_COUNT {
            // Three of five orders go to the bigger Swedish marketplace.
            let merchant = [0, 1, 2, 3, 4, 0, 1, 3][i % 8];
            let m = &MERCHANTS[merchant];
            let marketplace = (m.marketplace_id - 1) as usize;
            let customers = &people.customers[marketplace];
            // The demo customers order often, so their views are full.
            let customer_id = if i % 5 == 0 {
                customers[0]
            } else {
                customers[self.rng.random_range(0..customers.len())]
            };
            let mut placed_at = self.now
                - Duration::days(self.rng.random_range(4..100))
                - Duration::minutes(self.rng.random_range(0..1440));
            // The demo customers' orders are recent (1 to 25 days), so that
            // most are within the marketplace's reporting window (30 days on
            // Fyndmarknad, 14 on Groothandel Plein: some of Bram's are not).
            if customer_id == customers[0] {
                placed_at = self.now - (self.now - placed_at) / 4;
            }
            let delivered = placed_at + Duration::days(self.rng.random_range(1..5));
            let delivered_at = (delivered < self.now - Duration::hours(6)).then_some(delivered);
            let mp = &MARKETPLACES[marketplace];
            let number = format!("{}{}", mp.order_prefix, 4_100_000 + i * 13);
            // Orders from before the CDON-style migration keep their old number.
            let legacy = (marketplace == 0 && i % 3 == 0).then(|| format!("CD{}", 780_000 + i * 7));
            let line_count = self.rng.random_range(1..=3);
            let mut picks: Vec<usize> = (0..6).collect();
            let mut lines = Vec::new();
            for _ in 0..line_count {
                let product = picks.remove(self.rng.random_range(0..picks.len()));
                let quantity = if mp.wholesale {
                    self.rng.random_range(2..=12)
                } else {
                    self.rng.random_range(1..=2)
                };
                let (title, price) = m.products[product];
                lines.push((product, title.to_owned(), quantity, price));
            }
            let total: i64 = lines.iter().map(|(_, _, q, p)| q * p).sum();
            let order_id = sqlx::query(
                "INSERT INTO orders (marketplace_id, merchant_id, customer_id, number, legacy_number,
                     placed_at, delivered_at, currency, total_minor, payout)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending')",
            )
            .bind(m.marketplace_id)
            .bind(m.id)
            .bind(customer_id)
            .bind(&number)
            .bind(&legacy)
            .bind(placed_at)
            .bind(delivered_at)
            .bind(mp.currency)
            .bind(total)
            .execute(&mut **tx)
            .await?
            .last_insert_rowid();
            let mut stored = Vec::new();
            for (product, title, quantity, price) in lines {
                let line_id = sqlx::query(
                    "INSERT INTO order_lines (order_id, sku, title, quantity, unit_price_minor) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(order_id)
                .bind(sku(m.sku_prefix, product))
                .bind(&title)
                .bind(quantity)
                .bind(price)
                .execute(&mut **tx)
                .await?
                .last_insert_rowid();
                stored.push((line_id, title, quantity, price));
            }
            orders.push(SeededOrder {
                id: order_id,
                marketplace,
                merchant,
                customer_id,
                placed_at,
                delivered_at,
                lines: stored,
            });
        }
        Ok(orders)
    }

    async fn cases(
        &mut self,
        tx: &mut Tx<'_>,
        people: &People,
        orders: &[SeededOrder],
    ) -> anyhow::Result<()> {
        // Merchant-handled cases cycle through every status, weighted to open
        // ones as a real desk is; platform-routed reasons stay with the platform.
        const MERCHANT_STATUSES: [Status; 9] = [
            Status::Submitted,
            Status::AwaitingMerchant,
            Status::AwaitingCustomer,
            Status::Submitted,
            Status::AwaitingReturn,
            Status::Resolved,
            Status::AwaitingMerchant,
            Status::Rejected,
            Status::PlatformReview,
        ];
        const PLATFORM_STATUSES: [Status; 3] =
            [Status::PlatformReview, Status::Resolved, Status::Rejected];
        const OUTCOMES: [&str; 4] = [
            "refund",
            "replacement",
            "return_refund",
            "proposal_accepted",
        ];

        // Every third order gets a case (and some a second one), newest first
        // so open cases sit on recent orders; then every third more of those
        // delivered ten days ago or earlier a closed one: the record of past
        // claims the dashboards score a merchant by (PRODUCT.md §7), after
        // the others so that theirs stay as they were.
        let regular = orders
            .iter()
            .enumerate()
            .filter(|(i, _)| i % 3 == 0 || i % 29 == 1)
            .map(|(_, order)| (order, false));
        let past = orders
            .iter()
            .enumerate()
            .filter(|(i, order)| {
                i % 3 == 1
                    && order
                        .delivered_at
                        .is_some_and(|at| at < self.now - Duration::days(10))
            })
            .map(|(_, order)| (order, true));
        let picks: Vec<_> = regular.chain(past).collect();
        // `k` numbers the cases: reasons, statuses, agents and pictures
        // cycle on it.
        for (case_id, (k, (order, past))) in (FIRST_CASE_ID..).zip(picks.into_iter().enumerate()) {
            let reason = Reason::ALL[k % Reason::ALL.len()];
            // The marketplaces' policy is the default one (see `world`).
            let merchant_handles = Handler::for_reason(reason, Reason::MERCHANT_HANDLED_BY_DEFAULT)
                == Handler::Merchant;
            let status = if past {
                if k % 5 == 2 {
                    Status::Rejected
                } else {
                    Status::Resolved
                }
            } else if merchant_handles {
                MERCHANT_STATUSES[(k / Reason::ALL.len() + k) % MERCHANT_STATUSES.len()]
            } else {
                PLATFORM_STATUSES[(k / Reason::ALL.len()) % PLATFORM_STATUSES.len()]
            };
            let handler = if merchant_handles && status != Status::PlatformReview {
                Handler::Merchant
            } else {
                Handler::Platform
            };
            let m = &MERCHANTS[order.merchant];
            let mp = &MARKETPLACES[order.marketplace];
            let agents = people.agents[order.merchant];
            let support = people.support[order.marketplace];

            // When it was reported: open cases recently (within 20 hours, so
            // no response clock has run out when the demo starts), closed
            // ones earlier.
            let age = match status {
                Status::Submitted | Status::AwaitingMerchant => {
                    Duration::minutes(self.rng.random_range(20..20 * 60))
                }
                Status::AwaitingCustomer | Status::AwaitingReturn | Status::PlatformReview => {
                    Duration::hours(self.rng.random_range(30..240))
                }
                _ => Duration::days(self.rng.random_range(5..60)),
            };
            let earliest = order.delivered_at.unwrap_or(order.placed_at) + Duration::hours(1);
            let created_at = (self.now - age)
                .max(earliest)
                .min(self.now - Duration::minutes(10));

            // Claim the first line, or every line on every fourth case.
            let claimed: Vec<_> = if k % 4 == 3 {
                order.lines.iter().collect()
            } else {
                order.lines.iter().take(1).collect()
            };
            let claimed_value: i64 = claimed.iter().map(|(_, _, q, p)| q * p).sum();
            let product = claimed[0].1.clone();
            let description = catalog::description(reason, mp.locale, &product);
            let outcome = match status {
                Status::Resolved => Some(OUTCOMES[k % OUTCOMES.len()]),
                Status::Rejected => Some("rejected"),
                _ => None,
            };
            let rating =
                (status.is_closed() && k % 3 != 2).then_some(i64::from(!k.is_multiple_of(5)));
            let held_by = (status.is_open() && handler == Handler::Merchant && k % 5 == 1)
                .then_some(agents[k % 2]);

            sqlx::query(
                "INSERT INTO cases (id, marketplace_id, merchant_id, customer_id, order_id, kind, reason, status,
                    handler, description, claimed_value_minor, held_by, free_return, prepared, outcome, rating,
                    version, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 0, $14, $15, 1, $16, $17)",
            )
            .bind(case_id)
            .bind(mp.id)
            .bind(m.id)
            .bind(order.customer_id)
            .bind(order.id)
            .bind(reason.default_kind().as_str())
            .bind(reason.as_str())
            .bind(status.as_str())
            .bind(handler.as_str())
            .bind(&description)
            .bind(claimed_value)
            .bind(held_by)
            .bind(k.is_multiple_of(6))
            .bind(outcome)
            .bind(rating)
            .bind(created_at)
            .bind(created_at)
            .execute(&mut **tx)
            .await?;
            for (line_id, _, quantity, _) in &claimed {
                sqlx::query(
                    "INSERT INTO case_lines (case_id, order_line_id, quantity) VALUES ($1, $2, $3)",
                )
                .bind(case_id)
                .bind(line_id)
                .bind(quantity)
                .execute(&mut **tx)
                .await?;
            }
            if matches!(
                reason,
                Reason::Damaged | Reason::Defective | Reason::WrongGoods
            ) {
                for n in 0..(1 + k % 2) {
                    let photo = self
                        .attachment(
                            tx,
                            mp.id,
                            &format!("photo-{}.png", n + 1),
                            images::damage_photo(k * 3 + n)?,
                        )
                        .await?;
                    sqlx::query("INSERT INTO case_photos (case_id, attachment_id) VALUES ($1, $2)")
                        .bind(case_id)
                        .bind(photo)
                        .execute(&mut **tx)
                        .await?;
                }
            }

            // The story so far, in messages and events.
            let mut clock = Clock {
                at: created_at,
                end: self.now,
            };
            let mut log = Log { case_id, tx };
            log.event(
                order.customer_id,
                "case_created",
                json!({ "reason": reason, "kind": reason.default_kind() }),
                clock.at,
            )
            .await?;
            let agent = agents[k % 2];
            // How long the desk took to answer: mostly an hour or three;
            // every seventh case four days, past the 24 business hours
            // unless four days off came between, so the dashboards show
            // missed responses too.
            let answer_after = if k % 7 == 3 {
                4 * 24 * 60
            } else {
                90 + (k % 4) as i64 * 45
            };
            match status {
                Status::Submitted => {}
                Status::AwaitingCustomer => {
                    log.message(
                        agent,
                        catalog::merchant_question(mp.locale),
                        clock.tick(answer_after),
                    )
                    .await?;
                    log.status(agent, Status::Submitted, status, clock.at)
                        .await?;
                }
                Status::AwaitingMerchant => {
                    log.message(
                        agent,
                        catalog::merchant_question(mp.locale),
                        clock.tick(answer_after),
                    )
                    .await?;
                    log.status(agent, Status::Submitted, Status::AwaitingCustomer, clock.at)
                        .await?;
                    log.message(
                        order.customer_id,
                        catalog::customer_answer(mp.locale),
                        clock.tick(240),
                    )
                    .await?;
                    log.status(
                        order.customer_id,
                        Status::AwaitingCustomer,
                        status,
                        clock.at,
                    )
                    .await?;
                }
                Status::PlatformReview => {
                    log.status_system(Status::Submitted, status, clock.tick(1))
                        .await?;
                    log.message(
                        support,
                        catalog::support_message(mp.locale),
                        clock.tick(300),
                    )
                    .await?;
                }
                Status::AwaitingReturn | Status::Resolved | Status::Rejected => {
                    let actor = if handler == Handler::Platform {
                        support
                    } else {
                        agent
                    };
                    log.message(
                        actor,
                        catalog::merchant_decision(mp.locale, status),
                        clock.tick(answer_after),
                    )
                    .await?;
                    let decision = json!({ "outcome": outcome.unwrap_or("return_label"), "amount_minor": claimed_value, "currency": mp.currency });
                    log.event(actor, "decision_made", decision, clock.at)
                        .await?;
                    log.status(actor, Status::Submitted, status, clock.at)
                        .await?;
                    if status.is_closed() {
                        // Closed then, and rated (if at all) within two
                        // days after: the dashboards count both by date.
                        let closed_at = clock.at;
                        let rated_at = (closed_at + Duration::hours((k % 48) as i64 + 1))
                            .min(self.now - Duration::minutes(1));
                        sqlx::query(
                            "UPDATE cases SET closed_at = $1,
                                 rated_at = CASE WHEN rating IS NULL THEN NULL ELSE $2 END
                              WHERE id = $3",
                        )
                        .bind(closed_at)
                        .bind(rated_at)
                        .bind(case_id)
                        .execute(&mut **log.tx)
                        .await?;
                    }
                }
            }
            if k.is_multiple_of(3) && handler == Handler::Merchant {
                let note_at = clock.tick(30);
                sqlx::query(
                    "INSERT INTO notes (case_id, author_id, body, created_at) VALUES ($1, $2, $3, $4)",
                )
                .bind(case_id)
                .bind(agents[(k + 1) % 2])
                .bind(catalog::internal_note(mp.locale))
                .bind(note_at)
                .execute(&mut **log.tx)
                .await?;
                log.event(agents[(k + 1) % 2], "note_added", json!({}), note_at)
                    .await?;
            }
            if let Some(holder) = held_by {
                log.event(holder, "held", json!({}), clock.tick(5)).await?;
            }
            sqlx::query("UPDATE cases SET updated_at = $1 WHERE id = $2")
                .bind(clock.at)
                .bind(case_id)
                .execute(&mut **log.tx)
                .await?;
        }
        // Why the platform has each of its cases: a reason it keeps, or (a
        // reason the merchant handles) alternately a response time run out
        // and a rejection disputed, so each support inbox has cases.
        let kept: Vec<String> = Reason::MERCHANT_HANDLED_BY_DEFAULT
            .iter()
            .map(|r| format!("'{}'", r.as_str()))
            .collect();
        sqlx::query(&format!(
            "UPDATE cases SET platform_reason = CASE
                 WHEN reason NOT IN ({kept}) THEN 'routed'
                 WHEN id % 2 = 0 THEN 'escalated' ELSE 'disputed' END
             WHERE handler = 'platform'",
            kept = kept.join(", ")
        ))
        .execute(&mut **tx)
        .await?;
        Ok(())
    }
}

impl Seeder {
    /// Moves one Fjäll Outdoor case back in time until its first response is
    /// due three hours from `now`, whatever the weekday, so the demo (and the
    /// end-to-end test) has a clock in its warning stretch: an automatic
    /// refund (the claim is below the cap) if nobody answers. No other
    /// seeded clock runs out within four hours.
    async fn near_breach(&mut self, tx: &mut Tx<'_>) -> anyhow::Result<()> {
        let (id, created_at, country, time_zone, high_value): (
            i64,
            DateTime<Utc>,
            String,
            String,
            bool,
        ) = sqlx::query_as(
            "SELECT c.id, c.created_at, m.country, m.time_zone,
                        o.total_minor > m.high_value_threshold_minor FROM cases c
                   JOIN merchants me ON me.id = c.merchant_id
                   JOIN marketplaces m ON m.id = c.marketplace_id
                   JOIN orders o ON o.id = c.order_id
                  WHERE me.name = $1 AND c.status = 'submitted'
                    AND c.claimed_value_minor <= m.auto_refund_cap_minor
                  ORDER BY c.id LIMIT 1",
        )
        .bind(NEAR_BREACH_MERCHANT)
        .fetch_one(&mut **tx)
        .await?;
        let calendar = Calendar::new(
            country.parse().map_err(|e: String| anyhow::anyhow!(e))?,
            time_zone.parse().map_err(|e| anyhow::anyhow!("{e}"))?,
        );
        let due = self.now + Duration::hours(3);
        let budget = Response::First.budget(ResponseHours::default())
            + if high_value {
                Duration::hours(HIGH_VALUE_EXTENSION_HOURS)
            } else {
                Duration::zero()
            };
        // Step back by the business time still missing until the stretch
        // holds exactly the budget (days off add nothing, so skip them).
        let mut start = due - budget;
        for _ in 0..64 {
            let missing = budget - calendar.between(start, due);
            if missing.is_zero() {
                break;
            }
            start -= missing;
        }
        let shift = start - created_at;
        sqlx::query("UPDATE cases SET created_at = $1, updated_at = $2 WHERE id = $3")
            .bind(start)
            .bind(start)
            .bind(id)
            .execute(&mut **tx)
            .await?;
        for table in ["events", "messages", "notes"] {
            let rows: Vec<(i64, DateTime<Utc>)> = sqlx::query_as(&format!(
                "SELECT id, created_at FROM {table} WHERE case_id = $1"
            ))
            .bind(id)
            .fetch_all(&mut **tx)
            .await?;
            for (row, at) in rows {
                sqlx::query(&format!("UPDATE {table} SET created_at = $1 WHERE id = $2"))
                    .bind(at + shift)
                    .bind(row)
                    .execute(&mut **tx)
                    .await?;
            }
        }
        Ok(())
    }
}

impl Seeder {
    /// Prepares (drafts, unsent) a decision on two of Nordic Home's newest
    /// open cases that nobody holds, as its first agent would have: a full
    /// refund and a replacement. Nothing else about the cases changes
    /// (status, version), so the Prepared view has something to send.
    async fn prepared(&mut self, tx: &mut Tx<'_>) -> anyhow::Result<()> {
        let cases: Vec<(i64, i64, DateTime<Utc>, i64)> = sqlx::query_as(
            "SELECT c.id, c.claimed_value_minor, c.updated_at,
                    (SELECT u.id FROM users u WHERE u.merchant_id = me.id ORDER BY u.id LIMIT 1)
             FROM cases c JOIN merchants me ON me.id = c.merchant_id
             WHERE me.name = $1 AND c.handler = 'merchant' AND c.held_by IS NULL
               AND c.status IN ('submitted', 'awaiting_merchant')
             ORDER BY c.id DESC LIMIT 2",
        )
        .bind(PREPARED_MERCHANT)
        .fetch_all(&mut **tx)
        .await?;
        anyhow::ensure!(cases.len() == 2, "{PREPARED_MERCHANT} has open cases");
        for (n, (case_id, claimed, updated_at, agent)) in cases.into_iter().enumerate() {
            let decision = if n == 0 {
                json!({ "kind": "refund", "amount_minor": claimed, "note": null, "lines": [] })
            } else {
                json!({ "kind": "replacement", "amount_minor": null, "note": "A new one ships today.", "lines": [] })
            };
            let at = updated_at.max(self.now - Duration::minutes(30));
            sqlx::query(
                "UPDATE cases SET prepared = 1, prepared_decision = $1, prepared_by = $2, prepared_at = $3,
                     updated_at = $4 WHERE id = $5",
            )
            .bind(decision.to_string())
            .bind(agent)
            .bind(at)
            .bind(at)
            .bind(case_id)
            .execute(&mut **tx)
            .await?;
            let mut log = Log { case_id, tx };
            log.event(agent, "decision_prepared", decision, at).await?;
        }
        Ok(())
    }
}

fn sku(prefix: &str, index: usize) -> String {
    format!("{prefix}-{:03}", index + 1)
}

/// Advances through a case's history without passing the present.
struct Clock {
    at: DateTime<Utc>,
    end: DateTime<Utc>,
}

impl Clock {
    fn tick(&mut self, minutes: i64) -> DateTime<Utc> {
        self.at = (self.at + Duration::minutes(minutes))
            .min(self.end - Duration::minutes(1))
            .max(self.at);
        self.at
    }
}

/// Writes one case's messages and events.
struct Log<'t, 'c> {
    case_id: i64,
    tx: &'t mut Tx<'c>,
}

impl Log<'_, '_> {
    async fn event(
        &mut self,
        actor: i64,
        kind: &str,
        data: serde_json::Value,
        at: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        self.event_by(Some(actor), kind, data, at).await
    }

    async fn event_by(
        &mut self,
        actor: Option<i64>,
        kind: &str,
        data: serde_json::Value,
        at: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        sqlx::query(
            "INSERT INTO events (case_id, actor_id, kind, data, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(self.case_id)
        .bind(actor)
        .bind(kind)
        .bind(data.to_string())
        .bind(at)
        .execute(&mut **self.tx)
        .await?;
        Ok(())
    }

    async fn status(
        &mut self,
        actor: i64,
        from: Status,
        to: Status,
        at: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        self.event(
            actor,
            "status_changed",
            json!({ "from": from, "to": to }),
            at,
        )
        .await
    }

    async fn status_system(
        &mut self,
        from: Status,
        to: Status,
        at: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        self.event_by(
            None,
            "status_changed",
            json!({ "from": from, "to": to }),
            at,
        )
        .await
    }

    async fn message(&mut self, author: i64, body: &str, at: DateTime<Utc>) -> anyhow::Result<()> {
        sqlx::query(
            "INSERT INTO messages (case_id, author_id, body, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(self.case_id)
        .bind(author)
        .bind(body)
        .bind(at)
        .execute(&mut **self.tx)
        .await?;
        self.event(author, "message_added", json!({}), at).await
    }
}
