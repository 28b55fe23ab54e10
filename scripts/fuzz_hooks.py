"""Schemathesis hooks of scripts/api-fuzz.sh: a refused request changes
nothing. Before each request the run notes what the database holds (row
counts, and the sum of the cases' versions, which every change to a case
moves); after a 4xx it must hold exactly that. Requests go one at a time
(one worker), so nothing else writes in between."""

import os
import sqlite3

import schemathesis

DB = os.environ["CLAIMDESK_FUZZ_DB"]
QUERIES = [
    "SELECT COUNT(*) FROM cases",
    "SELECT COALESCE(SUM(version), 0) + COALESCE(SUM(customer_version), 0) FROM cases",
    "SELECT COUNT(*) FROM messages",
    "SELECT COUNT(*) FROM notes",
    "SELECT COUNT(*) FROM events",
    "SELECT COUNT(*) FROM outbox",
    "SELECT COUNT(*) FROM quick_texts",
    "SELECT COALESCE(SUM(version), 0) FROM quick_texts",
    "SELECT COUNT(*) FROM attachments",
]
before = None
refusals = 0


def footprint():
    db = sqlite3.connect(f"file:{DB}?mode=ro", uri=True)
    try:
        return [db.execute(q).fetchone()[0] for q in QUERIES]
    finally:
        db.close()


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    global before
    before = footprint()


@schemathesis.check
def refusals_change_nothing(ctx, response, case):
    """A 4xx answer left the database as it was."""
    global refusals
    if 400 <= response.status_code < 500 and before is not None:
        refusals += 1
        after = footprint()
        if after != before:
            changed = [q for q, b, a in zip(QUERIES, before, after) if a != b]
            raise AssertionError(f"a {response.status_code} refusal changed the database: {changed}")
