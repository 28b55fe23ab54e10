//! The PostgreSQL schema (`migrations-postgres/`) stays the SQLite one in
//! PostgreSQL's types: every table, column, nullability and index of
//! SQLite's migrations has its counterpart, and nothing else is there; and
//! search finds any substring in any alphabet whatever its case, as on
//! SQLite. Runs against the throwaway server `scripts/postgres.sh run`
//! starts for `make test` (its address in CLAIMDESK_TEST_POSTGRES_URL).

use std::collections::{BTreeMap, BTreeSet};

use sqlx::postgres::PgPoolOptions;
use sqlx::{PgPool, SqlitePool};

/// A fresh database on the test server, migrated.
async fn postgres() -> PgPool {
    let url = std::env::var("CLAIMDESK_TEST_POSTGRES_URL").expect(
        "CLAIMDESK_TEST_POSTGRES_URL names no PostgreSQL server: run the suite with \
         `make test`, or `scripts/postgres.sh run cargo test ...`",
    );
    let admin = PgPoolOptions::new()
        .max_connections(1)
        .connect(&url)
        .await
        .unwrap();
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let name = format!("schema_{}_{n}", std::process::id());
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
        .execute(&admin)
        .await
        .unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&admin)
        .await
        .unwrap();
    let base = url.rsplit_once('/').unwrap().0;
    let db = PgPoolOptions::new()
        .max_connections(2)
        .connect(&format!("{base}/{name}"))
        .await
        .unwrap();
    sqlx::migrate!("./migrations-postgres")
        .run(&db)
        .await
        .unwrap();
    db
}

async fn sqlite(dir: &tempfile::TempDir) -> SqlitePool {
    let url = format!("sqlite://{}/schema.db", dir.path().display());
    claimdesk_server::db::connect(&url).await.unwrap()
}

/// What a column must be on PostgreSQL for what it is on SQLite.
fn postgres_type(table: &str, column: &str, sqlite_type: &str) -> &'static str {
    const FLAGS: [(&str, &str); 4] = [
        ("cases", "free_return"),
        ("cases", "prepared"),
        ("cases", "free_exchange"),
        ("sla_responses", "met"),
    ];
    match sqlite_type {
        "INTEGER" if FLAGS.contains(&(table, column)) => "boolean",
        "INTEGER" => "bigint",
        "TEXT" if column == "at" || column.ends_with("_at") => "timestamp with time zone",
        "TEXT" => "text",
        "BLOB" => "bytea",
        other => panic!("{table}.{column}: no PostgreSQL type for SQLite's {other:?}"),
    }
}

/// SQLite's own search tables (FTS5's shadow tables) and the migrations'
/// bookkeeping, which are not the schema.
fn sqlite_internal(table: &str) -> bool {
    table.starts_with("sqlite_") || table.starts_with("_sqlx") || table.starts_with("case_search")
}

#[tokio::test]
async fn every_table_column_and_index_of_sqlite_is_on_postgresql_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let (lite, pg) = (sqlite(&dir).await, postgres().await);

    // table -> column -> (type, NOT NULL)
    let mut expected: BTreeMap<String, BTreeMap<String, (String, bool)>> = BTreeMap::new();
    let columns: Vec<(String, String, String, bool, bool)> = sqlx::query_as(
        "SELECT m.name, p.name, p.type, p.\"notnull\", p.pk > 0 FROM sqlite_master m
           JOIN pragma_table_info(m.name) p WHERE m.type = 'table' ORDER BY m.name, p.cid",
    )
    .fetch_all(&lite)
    .await
    .unwrap();
    for (table, column, kind, not_null, key) in columns {
        if sqlite_internal(&table) {
            continue;
        }
        let kind = postgres_type(&table, &column, &kind).to_owned();
        expected
            .entry(table)
            .or_default()
            .insert(column, (kind, not_null || key));
    }
    let mut found: BTreeMap<String, BTreeMap<String, (String, bool)>> = BTreeMap::new();
    let columns: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT c.table_name::text, c.column_name::text, c.data_type::text, c.is_nullable::text
           FROM information_schema.columns c
           JOIN information_schema.tables t
             ON t.table_schema = c.table_schema AND t.table_name = c.table_name
          WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
            AND c.table_name NOT LIKE '\\_sqlx%' AND c.table_name <> 'case_search'",
    )
    .fetch_all(&pg)
    .await
    .unwrap();
    for (table, column, kind, nullable) in columns {
        found
            .entry(table)
            .or_default()
            .insert(column, (kind, nullable == "NO"));
    }
    assert!(expected.len() > 20, "{:?}", expected.keys());
    for (table, columns) in &expected {
        let Some(on_pg) = found.get(table) else {
            panic!("table {table} is missing on PostgreSQL");
        };
        assert_eq!(on_pg, columns, "table {table}: (type, NOT NULL) per column");
    }
    let extra: Vec<_> = found
        .keys()
        .filter(|t| !expected.contains_key(*t))
        .collect();
    assert!(extra.is_empty(), "tables only on PostgreSQL: {extra:?}");

    // The indexes SQLite's migrations create, by name; PostgreSQL adds only
    // what stands in for what SQLite does otherwise.
    let lite_indexes: BTreeSet<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL",
    )
    .fetch_all(&lite)
    .await
    .unwrap()
    .into_iter()
    .collect();
    let pg_indexes: BTreeSet<String> = sqlx::query_scalar(
        "SELECT indexname::text FROM pg_indexes WHERE schemaname = 'public'
            AND indexname NOT LIKE '%\\_pkey' AND indexname NOT LIKE '%\\_key'
            AND tablename NOT LIKE '\\_sqlx%'",
    )
    .fetch_all(&pg)
    .await
    .unwrap()
    .into_iter()
    .collect();
    let missing: Vec<_> = lite_indexes.difference(&pg_indexes).collect();
    assert!(
        missing.is_empty(),
        "indexes missing on PostgreSQL: {missing:?}"
    );
    let only_pg: BTreeSet<&str> = pg_indexes
        .iter()
        .filter(|i| !lite_indexes.contains(*i))
        .map(String::as_str)
        .collect();
    // users.email is UNIQUE COLLATE NOCASE on SQLite; the search index is
    // FTS5's own table there.
    assert_eq!(only_pg, BTreeSet::from(["case_search_body", "users_email"]));
}

#[tokio::test]
async fn search_finds_any_substring_in_any_alphabet_whatever_its_case() {
    let pg = postgres().await;
    for statement in [
        "INSERT INTO marketplaces (id, name, currency, locale, time_zone, country,
            high_value_threshold_minor, auto_refund_cap_minor, merchant_reasons)
         VALUES (1, 'Fyndmarknad', 'SEK', 'sv', 'Europe/Stockholm', 'SE', 100000, 50000, 'damaged')",
        "INSERT INTO merchants (id, marketplace_id, name, email) VALUES (1, 1, 'Nordic Home AB', 'n@example')",
        "INSERT INTO users (id, marketplace_id, role, email, name, locale, password_hash)
         VALUES (1, 1, 'customer', 'Åsa.Öberg@Kund.example', 'ÅSA ÖBERG', 'sv', '!')",
        "INSERT INTO products (sku, merchant_id, title, unit_price_minor) VALUES ('LMP-1', 1, 'Σφαιρική λάμπα', 34900)",
        "INSERT INTO orders (id, marketplace_id, merchant_id, customer_id, number, placed_at, currency, total_minor, payout)
         VALUES (1, 1, 1, 1, 'FM-2291', now(), 'SEK', 34900, 'pending')",
        "INSERT INTO order_lines (id, order_id, sku, title, quantity, unit_price_minor)
         VALUES (1, 1, 'LMP-1', 'Σφαιρική λάμπα', 1, 34900)",
        "INSERT INTO cases (id, marketplace_id, merchant_id, customer_id, order_id, kind, reason, status,
            handler, description, claimed_value_minor, created_at, updated_at)
         VALUES (10001, 1, 1, 1, 1, 'complaint', 'damaged', 'submitted', 'merchant', 'Broken', 34900, now(), now())",
        "INSERT INTO case_lines (case_id, order_line_id, quantity) VALUES (10001, 1, 1)",
    ] {
        sqlx::query(statement).execute(&pg).await.unwrap();
    }
    for (query, finds) in [
        ("åsa öb", true),
        ("ÅSA", true),
        ("kund.EXAMPLE", true),
        ("ΣΦΑΙΡΙΚΉ", true),
        ("λάμπα", true),
        ("c-10001", true),
        ("fm-229", true),
        ("lmp-1", true),
        ("åsa x", false),
    ] {
        let hits: Vec<i64> =
            sqlx::query_scalar("SELECT case_id FROM case_search WHERE body ILIKE '%' || $1 || '%'")
                .bind(query)
                .fetch_all(&pg)
                .await
                .unwrap();
        assert_eq!(hits == [10001], finds, "{query:?}: {hits:?}");
    }
    // The trigram index serves such a search (on a table this small the
    // planner would scan, so it is asked not to).
    let mut conn = pg.acquire().await.unwrap();
    sqlx::query("SET enable_seqscan = off")
        .execute(&mut *conn)
        .await
        .unwrap();
    let plan: Vec<String> = sqlx::query_scalar(
        "EXPLAIN SELECT case_id FROM case_search WHERE body ILIKE '%' || 'λάμπα' || '%'",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    assert!(
        plan.iter().any(|line| line.contains("case_search_body")),
        "{plan:#?}"
    );
}
