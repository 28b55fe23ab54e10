#!/usr/bin/env bash
# The API against its own OpenAPI document: openapi-spec-validator checks
# the document, then Schemathesis sends generated requests to every
# operation as a merchant, a customer and support, and fails on a 5xx, a
# refusal that is not a problem document, or an answer that does not match
# the schema, or a refusal that changed the database (scripts/fuzz_hooks.py).
# Runs the debug server (built by `cargo test`) on a free port
# of 127.0.0.1 with a freshly seeded database, and stops it by its pid.
#   scripts/api-fuzz.sh [EXAMPLES]   generated requests per operation (20)
set -euo pipefail
cd "$(dirname "$0")/.."
examples="${1:-20}"
venv=.tools/venv
dir=$(mktemp -d)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT

RUST_LOG=warn target/debug/claimdesk-server --addr 127.0.0.1:0 \
  --database-url "sqlite://$dir/fuzz.db" --seed-demo >"$dir/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 600); do
  url=$(sed -n 's/.*listening on \(http:\/\/[^ ]*\).*/\1/p' "$dir/server.log")
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || { cat "$dir/server.log" >&2; echo "the server did not start" >&2; exit 1; }

curl -sf "$url/api/v1/openapi.json" -o "$dir/openapi.json"
"$venv/bin/openapi-spec-validator" "$dir/openapi.json"

# The session cookie of a demo account.
session() {
  curl -sf -c - -o /dev/null -H 'content-type: application/json' -H 'x-claimdesk-csrf: 1' \
    -d "{\"email\":\"$1\",\"password\":\"claimdesk-demo\"}" "$url/api/v1/session" |
    awk '$6 == "claimdesk_session" { print $6 "=" $7 }'
}

export SCHEMATHESIS_HOOKS=scripts.fuzz_hooks CLAIMDESK_FUZZ_DB="$dir/fuzz.db"
export PYTHONPATH="$PWD"
status=0
for who in anna@nordichome.example lisa@kund.example support@fyndmarknad.example; do
  cookie=$(session "$who")
  [ -n "$cookie" ] || { echo "could not sign in as $who" >&2; exit 1; }
  echo "== Schemathesis as $who"
  # Signing out would end the session the run uses; the stream never ends.
  "$venv/bin/st" run "$dir/openapi.json" --url "$url" \
    -H "Cookie: $cookie" -H "x-claimdesk-csrf: 1" -H "Origin: $url" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,refusals_change_nothing \
    --exclude-path /api/v1/session --exclude-path /api/v1/sessions --exclude-path /api/v1/stream \
    --max-examples "$examples" --seed 15 --generation-deterministic \
    --request-timeout 30 --no-color | tee -a "$dir/runs.txt" || status=1
done

# The figures, into SECURITY.md (between its fuzz markers), when all passed.
if [ "$status" = 0 ]; then
  generated=$(awk '/ generated, / { n += $1 } END { print n }' "$dir/runs.txt")
  operations=$(awk '/Selected: / { split($2, a, "/"); print a[1]; exit }' "$dir/runs.txt")
  line="Last run: $operations operations x 3 roles (merchant, customer, support), $generated generated requests, 0 server errors, 0 refusals that changed the database, $examples examples per operation and phase."
  "$venv/bin/python" - "$line" <<'PY'
import re, sys
text = open("SECURITY.md").read()
text = re.sub(r"(<!-- fuzz:begin -->\n).*?(<!-- fuzz:end -->)", lambda m: m.group(1) + sys.argv[1] + "\n" + m.group(2), text, flags=re.S)
open("SECURITY.md", "w").write(text)
PY
  echo "$line"
fi
exit $status
