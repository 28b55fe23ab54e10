#!/usr/bin/env bash
# The server's layers (ARCHITECTURE.md, "Layers"), checked by `make lint`:
#   1. nothing outside routes/ (and lib.rs, openapi.rs, which assemble the
#      HTTP surface) imports from routes/;
#   2. no route module imports another (what two routes share lives below
#      them, in http/, domain/ or store/);
#   3. the storage layer imports nothing from the layers above it
#      (domain/, sla/, sweeps.rs, and the HTTP edge: routes/, http/,
#      auth.rs, idempotency.rs, etag.rs, spa.rs), and the domain layer
#      nothing of the HTTP edge;
#   4. SQL lives in the storage layer: store/, plus db.rs (opening and
#      migrating), seed/ (the demo data) and scope.rs (the visibility rule,
#      whose SQL twin is tested against it there).
# Prints every line that breaks one, and fails if any does.
set -euo pipefail
cd "$(dirname "$0")/../crates/server/src"
status=0
# Lines of code only: a comment may name what it likes.
code() { grep -vE '^[^:]+:[0-9]+:[[:space:]]*//' || true; }
report() {
  if [ -n "$2" ]; then
    printf '%s\n%s\n\n' "$1" "$2" >&2
    status=1
  fi
}

report "Only routes/, lib.rs and openapi.rs may import from routes/:" \
  "$(grep -rnE 'crate::routes|\broutes::' --include='*.rs' . \
     | grep -vE '^\./(routes/|lib\.rs:|openapi\.rs:)' | code)"

report "A route module imports another route module:" \
  "$(grep -nE 'crate::routes::|super::[a-z_]+::' routes/*.rs \
     | grep -v '^routes/mod\.rs:' | code)"

report "The storage layer imports from a layer above it:" \
  "$(grep -rnE 'axum|crate::(domain|sla|sweeps|http|routes|auth|idempotency|etag|spa)\b' store/ | code)"

report "The domain layer imports from the HTTP edge:" \
  "$(grep -rnE 'axum|crate::(http|auth|idempotency|etag|spa)\b' domain/ sla/ sweeps.rs | code)"

sql='sqlx::query|QueryBuilder|query_as|query_scalar|begin_with|\.fetch_(one|all|optional)\(|\.execute\('
report "SQL outside the storage layer (store/, db.rs, seed/, scope.rs):" \
  "$(grep -rnE "$sql" --include='*.rs' . \
     | grep -vE '^\./(store/|seed/|db\.rs:|scope\.rs:)' | code)"

if [ "$status" = 0 ]; then
  echo "layers: routes -> domain -> store hold"
fi
exit "$status"
