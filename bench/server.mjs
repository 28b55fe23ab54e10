// The release server for a benchmark: started on a free port of 127.0.0.1
// with a database in its own temporary directory, its log in a file there
// (a pipe nobody drains would stall it under load), and stopped by its
// process id, also when the benchmark fails.
import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

export const DEMO_PASSWORD = "claimdesk-demo";
export const MERCHANT = "anna@nordichome.example";

const running = new Set();
const directories = new Set();

/** A new temporary directory for one database, removed by `cleanUp`. */
export function databaseDir(name) {
  const dir = mkdtempSync(join(tmpdir(), `claimdesk-bench-${name}-`));
  directories.add(dir);
  return dir;
}

/** Starts `binary` on the database in `dir` with the demo seed and `args`;
 * resolves once it listens. */
export async function startServer(binary, { dir, staticDir, args = [] }) {
  if (!existsSync(binary)) throw new Error(`${binary} is missing: run \`make server-release\` first`);
  const log = join(dir, `server-${Date.now()}.log`);
  const fd = openSync(log, "w");
  const child = spawn(
    binary,
    [
      "--addr", "127.0.0.1:0",
      "--database-url", `sqlite://${join(dir, "bench.db")}`,
      "--static-dir", staticDir,
      "--seed-demo",
      ...args,
    ],
    // The server's own default log level, one line per request included.
    { stdio: ["ignore", fd, fd], env: { ...process.env, RUST_LOG: "info,sqlx=warn" } },
  );
  closeSync(fd);
  let exited = null;
  child.on("exit", (code, signal) => (exited = signal ?? code));
  const server = {
    pid: child.pid,
    log,
    url: null,
    /** The process's peak resident memory so far, in bytes. */
    peakMemory() {
      const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
      const kb = /^VmHWM:\s+(\d+) kB$/m.exec(status);
      if (!kb) throw new Error(`no VmHWM in /proc/${child.pid}/status`);
      return Number(kb[1]) * 1024;
    },
    async stop() {
      running.delete(server);
      if (exited !== null) return;
      child.kill("SIGTERM");
      while (exited === null) await sleep(20);
    },
  };
  running.add(server);
  // Seeding 100,000 cases takes a few seconds; a stuck start fails here.
  const deadline = Date.now() + 120_000;
  while (!server.url) {
    if (exited !== null) throw new Error(`the server exited (${exited}) before listening:\n${tail(log)}`);
    if (Date.now() > deadline) throw new Error(`the server did not listen within 120 s:\n${tail(log)}`);
    const match = /claimdesk listening on (http:\/\/\S+)/.exec(readFileSync(log, "utf8"));
    if (match) server.url = match[1];
    else await sleep(50);
  }
  return server;
}

function tail(log) {
  return readFileSync(log, "utf8").split("\n").slice(-20).join("\n");
}

/** Stops every server still running and removes the databases. */
export async function cleanUp() {
  for (const server of [...running]) await server.stop();
  for (const dir of directories) rmSync(dir, { recursive: true, force: true });
  directories.clear();
}

/** Signs in as `email` through the API; returns the session cookie. */
export async function signIn(url, email) {
  const res = await fetch(`${url}/api/v1/session`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-claimdesk-csrf": "1" },
    body: JSON.stringify({ email, password: DEMO_PASSWORD }),
  });
  if (!res.ok) throw new Error(`sign-in as ${email}: HTTP ${res.status} ${await res.text()}`);
  const pair = res.headers.getSetCookie()[0]?.split(";")[0] ?? "";
  const eq = pair.indexOf("=");
  if (eq < 1) throw new Error(`sign-in as ${email} set no cookie`);
  return { name: pair.slice(0, eq), value: pair.slice(eq + 1), header: pair };
}

/** GET `path` as the signed-in user; fails loudly on anything but 200. */
export async function getJson(url, cookie, path) {
  const res = await fetch(url + path, { headers: { cookie: cookie.header } });
  if (!res.ok) throw new Error(`GET ${path}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}
