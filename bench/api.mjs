// The API part of `make bench` alone, for profiling: starts the release
// server on a fresh database with 10,000 bench cases and runs the same
// autocannon loads as run.mjs (64 connections, 10 s each), printing one line
// per load with the load average. Writes nothing into BENCHMARKS.md.
//
//   node bench/api.mjs [list] [search] [detail] [message] [counts] [health] [metrics] [ranking]
//
// `metrics` is a merchant's dashboard over 365 days, `ranking` support's
// ranking of every merchant over 365 days. BENCH_CASES sets the number of
// bench cases (10,000 by default; the metrics rows are measured at 100,000).
// BENCH_BINARY picks another server build, BENCH_SECONDS another duration,
// BENCH_CONNECTIONS another concurrency; BENCH_KEEP=1 leaves the server
// running after the loads (its pid and URL are printed) for a profiler.
import { loadavg } from "node:os";
import { join, resolve } from "node:path";
import autocannon from "autocannon";

import { cleanUp, databaseDir, getJson, MERCHANT, signIn, startServer } from "./server.mjs";

/** Fyndmarknad's support team (the seed's). */
const SUPPORT = "support@fyndmarknad.example";

const ROOT = resolve(import.meta.dirname, "..");
const BINARY = resolve(process.env.BENCH_BINARY ?? join(ROOT, "target/release/claimdesk-server"));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const CASES = Number(process.env.BENCH_CASES ?? 10_000);
const POST_CASES = 6000;
const SEARCH = "Hugo";

async function load(url, cookie, request, maxRequests) {
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: SECONDS,
    maxOverallRequests: maxRequests,
    timeout: 60,
    headers: { cookie: cookie.header },
    requests: [request],
  });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${result.non2xx} error responses, ${result.errors} errors`);
  return { perSecond: result["2xx"] / result.duration, p50: result.latency.p50, p99: result.latency.p99, requests: result["2xx"] };
}

async function openIds(url, cookie, limit) {
  const ids = [];
  for (let page = 1; ids.length < limit; page++) {
    const { items } = await getJson(url, cookie, `/api/v1/cases?inbox=open&per_page=1000&page=${page}`);
    if (items.length === 0) break;
    ids.push(...items.map((item) => item.id));
  }
  return ids.slice(0, limit);
}

async function main() {
  const wanted = process.argv.slice(2);
  const runs = wanted.length ? wanted : ["list", "search", "detail", "message"];
  const server = await startServer(BINARY, { dir: databaseDir("api"), staticDir: join(ROOT, "dist"), args: ["--bench-cases", String(CASES)] });
  try {
    const cookie = await signIn(server.url, MERCHANT);
    console.log(`server ${server.pid} at ${server.url}`);
    for (const name of runs) {
      let request;
      let max;
      if (name === "list") request = { path: "/api/v1/cases?inbox=open" };
      else if (name === "counts") request = { path: "/api/v1/inbox-counts" };
      else if (name === "search") request = { path: `/api/v1/cases?inbox=open&q=${SEARCH}` };
      else if (name === "health") request = { path: "/api/v1/health" };
      else if (name === "metrics") request = { path: "/api/v1/metrics?days=365" };
      else if (name === "ranking") request = { path: "/api/v1/metrics/merchants?days=365" };
      else if (name === "detail") {
        const ids = await openIds(server.url, cookie, CASES);
        let next = 0;
        request = { setupRequest: (req) => ({ ...req, path: `/api/v1/cases/${ids[next++ % ids.length]}` }) };
      } else if (name === "message") {
        const ids = await openIds(server.url, cookie, POST_CASES);
        const cases = [];
        for (let i = 0; i < ids.length; i += 16) {
          const details = await Promise.all(ids.slice(i, i + 16).map((id) => getJson(server.url, cookie, `/api/v1/cases/${id}`)));
          cases.push(...details.map((d) => ({ id: d.summary.id, version: d.version })));
        }
        let next = 0;
        max = POST_CASES;
        request = {
          setupRequest: (req) => {
            const { id, version } = cases[next++];
            return {
              ...req,
              method: "POST",
              path: `/api/v1/cases/${id}/messages`,
              headers: { ...req.headers, "content-type": "application/json", "x-claimdesk-csrf": "1", "idempotency-key": `bench-${id}-${version}` },
              body: JSON.stringify({ version, body: "Thanks, we are looking into it." }),
            };
          },
        };
      } else throw new Error(`unknown load ${name}`);
      const before = loadavg().map((x) => x.toFixed(2)).join(" ");
      const as = name === "ranking" ? await signIn(server.url, SUPPORT) : cookie;
      const r = await load(server.url, as, request, max);
      console.log(`${name.padEnd(8)} ${r.perSecond.toFixed(0).padStart(6)} req/s  p50 ${String(r.p50).padStart(4)} ms  p99 ${String(r.p99).padStart(4)} ms  (${r.requests} requests; load ${before})`);
    }
    if (process.env.BENCH_KEEP) {
      console.log(`kept running: pid ${server.pid}, ${server.url}, cookie ${cookie.header}`);
      await new Promise(() => {});
    }
  } finally {
    await cleanUp();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
