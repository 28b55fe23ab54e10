-- The claimdesk schema. Timestamps are UTC RFC 3339 text; money is integer
-- minor units next to its currency; vocabularies are their snake_case names
-- (see crates/shared/src/domain.rs).

CREATE TABLE marketplaces (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    currency TEXT NOT NULL,
    locale TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    country TEXT NOT NULL,
    high_value_threshold_minor INTEGER NOT NULL,
    auto_refund_cap_minor INTEGER NOT NULL,
    -- Comma-separated reasons the merchants handle themselves.
    merchant_reasons TEXT NOT NULL
);

CREATE TABLE merchants (
    id INTEGER PRIMARY KEY,
    marketplace_id INTEGER NOT NULL REFERENCES marketplaces(id),
    name TEXT NOT NULL,
    email TEXT NOT NULL
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    marketplace_id INTEGER NOT NULL REFERENCES marketplaces(id),
    merchant_id INTEGER REFERENCES merchants(id),
    role TEXT NOT NULL CHECK (role IN ('merchant', 'customer', 'support')),
    email TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name TEXT NOT NULL,
    locale TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    -- Customers only.
    customer_kind TEXT,
    company TEXT,
    address TEXT NOT NULL DEFAULT '',
    CHECK ((role = 'merchant') = (merchant_id IS NOT NULL))
);

CREATE TABLE sessions (
    -- SHA-256 of the token, so a leaked database does not leak sessions.
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE attachments (
    id INTEGER PRIMARY KEY,
    marketplace_id INTEGER NOT NULL REFERENCES marketplaces(id),
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    bytes BLOB NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE products (
    sku TEXT PRIMARY KEY,
    merchant_id INTEGER NOT NULL REFERENCES merchants(id),
    title TEXT NOT NULL,
    unit_price_minor INTEGER NOT NULL,
    -- Product images are public catalogue pictures.
    image_id INTEGER REFERENCES attachments(id)
);

CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    marketplace_id INTEGER NOT NULL REFERENCES marketplaces(id),
    merchant_id INTEGER NOT NULL REFERENCES merchants(id),
    customer_id INTEGER NOT NULL REFERENCES users(id),
    number TEXT NOT NULL UNIQUE,
    legacy_number TEXT,
    placed_at TEXT NOT NULL,
    delivered_at TEXT,
    currency TEXT NOT NULL,
    total_minor INTEGER NOT NULL,
    payout TEXT NOT NULL CHECK (payout IN ('pending', 'blocked', 'released'))
);
CREATE INDEX orders_customer ON orders(customer_id);
CREATE INDEX orders_merchant ON orders(merchant_id);

CREATE TABLE order_lines (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES orders(id),
    sku TEXT NOT NULL REFERENCES products(sku),
    title TEXT NOT NULL,
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    unit_price_minor INTEGER NOT NULL CHECK (unit_price_minor >= 0)
);
CREATE INDEX order_lines_order ON order_lines(order_id);

CREATE TABLE cases (
    -- Shown as C-<id>; the seed starts at 10001.
    id INTEGER PRIMARY KEY,
    marketplace_id INTEGER NOT NULL REFERENCES marketplaces(id),
    merchant_id INTEGER NOT NULL REFERENCES merchants(id),
    customer_id INTEGER NOT NULL REFERENCES users(id),
    order_id INTEGER NOT NULL REFERENCES orders(id),
    kind TEXT NOT NULL,
    reason TEXT NOT NULL,
    status TEXT NOT NULL,
    handler TEXT NOT NULL CHECK (handler IN ('merchant', 'platform')),
    description TEXT NOT NULL,
    claimed_value_minor INTEGER NOT NULL CHECK (claimed_value_minor >= 0),
    held_by INTEGER REFERENCES users(id),
    free_return INTEGER NOT NULL DEFAULT 0,
    prepared INTEGER NOT NULL DEFAULT 0,
    outcome TEXT,
    rating INTEGER,
    rating_comment TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX cases_merchant_status ON cases(merchant_id, status, created_at);
CREATE INDEX cases_customer ON cases(customer_id, created_at);
CREATE INDEX cases_marketplace_status ON cases(marketplace_id, status, created_at);
CREATE INDEX cases_order ON cases(order_id);

CREATE TABLE case_lines (
    case_id INTEGER NOT NULL REFERENCES cases(id),
    order_line_id INTEGER NOT NULL REFERENCES order_lines(id),
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (case_id, order_line_id)
);

CREATE TABLE case_photos (
    case_id INTEGER NOT NULL REFERENCES cases(id),
    attachment_id INTEGER NOT NULL REFERENCES attachments(id),
    PRIMARY KEY (case_id, attachment_id)
);

CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    author_id INTEGER NOT NULL REFERENCES users(id),
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX messages_case ON messages(case_id, created_at);

CREATE TABLE notes (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    author_id INTEGER NOT NULL REFERENCES users(id),
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX notes_case ON notes(case_id, created_at);

-- Append-only audit trail: every change to a case writes one in the same
-- transaction.
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    -- NULL when the system acted (the response clock, the no-reply sweep).
    actor_id INTEGER REFERENCES users(id),
    kind TEXT NOT NULL,
    -- JSON with the event's particulars (from/to status, outcome, amount).
    data TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL
);
CREATE INDEX events_case ON events(case_id, id);
