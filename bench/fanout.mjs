// Live fan-out: STREAMS event streams (`GET /api/v1/stream`) open at once
// for the bench merchant's agent, then MESSAGES message posts one after
// another; for each post, the time from just before its request is sent to
// the arrival of its `case` event at every stream.
//
// Part of `make bench` (run.mjs calls measureFanout on its 10,000-case
// server). On its own, `node bench/fanout.mjs` starts a release server with
// the same data, measures, and prints the figures without touching
// BENCHMARKS.md.
//
// Plain `http`: one TCP connection per stream (`agent: false`), as 1,000
// browser tabs would have. The arrival time is taken in Node's `data`
// callback, so it includes the moments this one process needs to read the
// other streams that became readable at the same time: a bound from above.
import http from "node:http";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";

import { cleanUp, databaseDir, getJson, MERCHANT, signIn, startServer } from "./server.mjs";
import { count, median, ms, percentile } from "./report.mjs";

export const STREAMS = 1000;
// Streams per signed-in session: the server keeps at most eight per
// session (open_streams.rs; a ninth closes the oldest), as eight tabs of
// one browser would have.
const STREAMS_PER_SESSION = 8;
// Sign-ins from one address are limited to a burst of 20, then 5 a second
// (sign_in_limits.rs): the 125 sessions are signed in at that pace.
const SIGN_IN_SPACING_MS = 250;
export const MESSAGES = 20;
// Between the last arrival of one post and the next post.
const SPACING_MS = 200;
// A post whose event has not reached every stream by then fails the run.
const ARRIVAL_TIMEOUT_MS = 10_000;
// Streams opened at once while connecting (the listen backlog is finite).
const CONNECT_BATCH = 100;

/** The soft limit on open files of process `pid` ("self": this Node). */
function openFileLimit(pid) {
  const line = /^Max open files\s+(\S+)/m.exec(readFileSync(`/proc/${pid}/limits`, "utf8"));
  if (!line) throw new Error(`no open-file limit in /proc/${pid}/limits`);
  return line[1] === "unlimited" ? Infinity : Number(line[1]);
}

/** Fails early, and says what to do, when either side cannot hold the
 * streams (each is a socket, i.e. a file descriptor, on both sides). */
function checkFileLimits(serverPid, streams) {
  const needed = streams + 256;
  for (const [who, pid] of [["this Node process", "self"], ["the server", serverPid]]) {
    const limit = openFileLimit(pid);
    if (limit < needed) {
      throw new Error(`${who} may open ${limit} files, the fan-out needs about ${needed}: raise it (\`ulimit -n ${needed * 2}\`) in the shell that runs the benchmark`);
    }
  }
}

/** Opens one event stream; resolves once its headers arrived (the server
 * subscribes the stream before it answers). `onEvent(name, data, at)` is
 * called for every event as it arrives. */
function openStream(url, cookie, onEvent) {
  return new Promise((resolvePromise, reject) => {
    const req = http.get(
      `${url}/api/v1/stream`,
      { agent: false, headers: { cookie: cookie.header, accept: "text/event-stream" } },
      (res) => {
        if (res.statusCode !== 200 || !String(res.headers["content-type"]).startsWith("text/event-stream")) {
          reject(new Error(`GET /api/v1/stream: HTTP ${res.statusCode}, ${res.headers["content-type"]}`));
          res.resume();
          return;
        }
        res.setEncoding("utf8");
        let buffer = "";
        res.on("data", (chunk) => {
          const at = performance.now();
          buffer += chunk;
          let end;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            let name = null;
            const data = [];
            for (const line of block.split("\n")) {
              if (line.startsWith("event:")) name = line.slice(6).trim();
              else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
            }
            // Comment-only blocks are the keep-alive.
            if (name !== null || data.length > 0) onEvent(name ?? "message", data.join("\n"), at);
          }
        });
        resolvePromise({ close: () => req.destroy() });
      },
    );
    req.on("error", reject);
  });
}

/** POSTs a message on case `id` at `version`. Returns the time just before
 * the request was written (`sent`) and the response (`answer`: its arrival
 * time and the case as the post left it). */
function postMessage(url, agent, cookie, id, version, key) {
  const body = JSON.stringify({ version, body: "Thanks, we are looking into it." });
  let sent;
  const answer = new Promise((resolvePromise, reject) => {
    const req = http.request(`${url}/api/v1/cases/${id}/messages`, {
      method: "POST",
      agent,
      headers: {
        cookie: cookie.header,
        "content-type": "application/json",
        "content-length": Buffer.byteLength(body),
        "x-claimdesk-csrf": "1",
        "idempotency-key": key,
      },
    });
    req.on("error", reject);
    req.on("response", (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => {
        const answered = performance.now();
        if (res.statusCode !== 200) reject(new Error(`POST message on ${id}: HTTP ${res.statusCode} ${Buffer.concat(chunks)}`));
        else resolvePromise({ answered, detail: JSON.parse(Buffer.concat(chunks)) });
      });
    });
    sent = performance.now();
    req.end(body);
  });
  return { sent, answer };
}

/** The measurement against a running server (`serverPid` for its limits). */
export async function measureFanout(url, serverPid, { streams = STREAMS, messages = MESSAGES } = {}) {
  checkFileLimits(serverPid, streams);
  const sessions = [];
  for (let i = 0; i < Math.ceil(streams / STREAMS_PER_SESSION); i++) {
    if (i >= 15) await sleep(SIGN_IN_SPACING_MS);
    sessions.push(await signIn(url, MERCHANT));
  }

  // The cases to write on: the first of the Open inbox, with their versions.
  const { items } = await getJson(url, sessions[0], `/api/v1/cases?inbox=open&per_page=${messages}`);
  if (items.length < messages) throw new Error(`only ${items.length} open cases to post on`);
  const cases = [];
  for (const item of items) cases.push({ id: item.id, version: (await getJson(url, sessions[0], `/api/v1/cases/${item.id}`)).version });

  // What each stream must receive: `${id}@${version}` → the post's send time
  // and the arrivals so far.
  const expected = new Map();
  const received = new Array(streams).fill(0);
  let resyncs = 0;
  let unexpected = 0;
  const onEvent = (stream) => (name, data, at) => {
    if (name === "resync") return void resyncs++;
    // Each stream opens with `ready` (its position for a reconnect).
    if (name === "ready") return;
    const { id, version } = JSON.parse(data);
    const post = expected.get(`${id}@${version}`);
    if (!post || post.sent === null) return void unexpected++;
    received[stream]++;
    post.latencies.push(at - post.sent);
    if (post.latencies.length === streams) post.done();
  };

  // The posts reuse one connection, as the SPA's would.
  const postAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const open = [];
  const connectStart = performance.now();
  try {
    for (let first = 0; first < streams; first += CONNECT_BATCH) {
      const batch = [];
      for (let i = first; i < Math.min(streams, first + CONNECT_BATCH); i++) {
        batch.push(openStream(url, sessions[Math.floor(i / STREAMS_PER_SESSION)], onEvent(i)));
      }
      open.push(...(await Promise.all(batch)));
    }
    const connectMs = performance.now() - connectStart;

    const latencies = [];
    // Per post: its response time, and its first and last arrival.
    const posts = [];
    for (let i = 0; i < messages; i++) {
      const { id, version } = cases[i];
      let done;
      const arrived = new Promise((r) => (done = r));
      // The version the post gives the case.
      const post = { sent: null, latencies: [], done };
      expected.set(`${id}@${version + 1}`, post);
      const { sent, answer } = postMessage(url, postAgent, sessions[0], id, version, `fanout-${id}-${version}`);
      // Set before any event can arrive: they are read on this thread.
      post.sent = sent;
      let timer;
      const timeout = new Promise((r) => (timer = setTimeout(() => r("timeout"), ARRIVAL_TIMEOUT_MS)));
      const { answered, detail } = await answer;
      if (detail.version !== version + 1) throw new Error(`${id}: the post gave version ${detail.version}, expected ${version + 1}`);
      const outcome = await Promise.race([arrived, timeout]);
      clearTimeout(timer);
      if (outcome === "timeout") {
        throw new Error(`${id}: ${post.latencies.length} of ${streams} streams had the event after ${ARRIVAL_TIMEOUT_MS} ms`);
      }
      latencies.push(...post.latencies);
      posts.push({ responseMs: answered - sent, firstMs: Math.min(...post.latencies), lastMs: Math.max(...post.latencies) });
      await sleep(SPACING_MS);
    }
    if (resyncs > 0 || unexpected > 0 || received.some((n) => n !== messages)) {
      throw new Error(`streams got ${resyncs} resyncs, ${unexpected} unexpected events, per-stream counts ${Math.min(...received)}–${Math.max(...received)} of ${messages}`);
    }
    return { streams, sessions: sessions.length, messages, spacingMs: SPACING_MS, connectMs, latencies, posts };
  } finally {
    for (const stream of open) stream.close();
    postAgent.destroy();
  }
}

/** One line of Markdown for BENCHMARKS.md. The arrivals of one post are
 * correlated (one commit, one wake-up of every stream), so with 20 posts the
 * p99 of all arrivals is the slowest post's: it is named. */
export function describe(f) {
  const of = (key) => f.posts.map((p) => p[key]);
  const slowest = f.posts.reduce((a, b) => (b.lastMs > a.lastMs ? b : a));
  return (
    `Live fan-out: ${count(f.streams)} event streams (${f.sessions} sessions of Anna, one connection each, opened in ${ms(f.connectMs)}), ` +
    `${f.messages} message posts ${f.spacingMs} ms apart; from the post's send to its event at a stream, over ${count(f.latencies.length)} arrivals: ` +
    `p50 ${ms(median(f.latencies))}, p99 ${ms(percentile(f.latencies, 99))}, max ${ms(Math.max(...f.latencies))}. ` +
    `Per post (medians): first stream ${ms(median(of("firstMs")))}, last stream ${ms(median(of("lastMs")))}, the post's own response ${ms(median(of("responseMs")))}; ` +
    `the slowest post: first stream ${ms(slowest.firstMs)}, last ${ms(slowest.lastMs)}, response ${ms(slowest.responseMs)}.`
  );
}

async function main() {
  const root = resolve(import.meta.dirname, "..");
  const binary = join(root, "target/release/claimdesk-server");
  const dist = resolve(process.env.BENCH_DIST ?? join(root, "dist"));
  const cases = Number(process.env.BENCH_CASES ?? 10_000);
  try {
    const server = await startServer(binary, { dir: databaseDir("fanout"), staticDir: dist, args: ["--bench-cases", String(cases)] });
    const result = await measureFanout(server.url, server.pid);
    await server.stop();
    console.log(describe(result));
  } finally {
    await cleanUp();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main().catch((error) => {
    console.error(`fan-out failed: ${error.stack ?? error}`);
    process.exit(1);
  });
}
