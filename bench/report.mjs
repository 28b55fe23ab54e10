// Statistics, the Markdown of the results, and the generated section of
// BENCHMARKS.md.
import { execFileSync } from "node:child_process";
import { cpus, totalmem } from "node:os";
import { readFileSync, writeFileSync } from "node:fs";

export const KB = 1024;
export const MB = 1024 * 1024;

export function median(samples) {
  return percentile(samples, 50);
}

/** Nearest-rank percentile. */
export function percentile(samples, p) {
  if (samples.length === 0) throw new Error("no samples");
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

export const ms = (n) => `${n.toFixed(n < 10 ? 1 : 0)} ms`;
export const kb = (n) => `${(n / KB).toFixed(1)} KB`;
export const mb = (n) => `${(n / MB).toFixed(1)} MB`;
export const count = (n) => Math.round(n).toLocaleString("en-GB");

/** A budget: `value` against `limit`, at most (`max`) or at least. An
 * `own` budget is one we hold ourselves to beyond the issue's. */
export function budget(name, value, limit, { max = true, show, own = false }) {
  const met = max ? value <= limit : value >= limit;
  const what = own ? "our own target" : "the budget";
  // Far over a budget, a factor reads better than thousands of per cent.
  const ratio = max ? value / limit : limit / value;
  const share = ratio >= 2 ? `${ratio.toFixed(0)}× ${max ? what : "less"}` : `${((100 * Math.abs(value - limit)) / limit).toFixed(0)} %`;
  const missedBy = met
    ? null
    : `${name}: ${show(value)}, ${show(Math.abs(value - limit))} ${max ? "over" : "short of"} ${what} of ${show(limit)} (${share}).`;
  const verdict = met ? "met" : own ? "**missed** (own target)" : "**missed**";
  return { budget: `${max ? "≤" : "≥"} ${show(limit)}${own ? " (own)" : ""}`, verdict, missedBy };
}

export function table(header, rows) {
  const line = (cells) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map((h, i) => (i === 0 ? "---" : "---:"))), ...rows.map(line)].join("\n");
}

/** Where and when the numbers were taken. */
export function machine(chromiumVersion) {
  const cpuModel = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? "unknown CPU";
  const os = /^PRETTY_NAME="(.+)"$/m.exec(readFileSync("/etc/os-release", "utf8"))?.[1] ?? "Linux";
  const git = (...args) => execFileSync("git", args, { encoding: "utf8" }).trim();
  const dirty = git("status", "--porcelain", "--untracked-files=no") !== "";
  return {
    cores: cpus().length,
    ram: `${Math.round(totalmem() / 1024 ** 3)} GB`,
    cpuModel,
    os,
    commit: `${git("rev-parse", "--short", "HEAD")}${dirty ? " (with uncommitted changes)" : ""}`,
    chromium: chromiumVersion,
    node: process.version,
    load: () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" "),
  };
}

const START = "<!-- bench:start -->";
const END = "<!-- bench:end -->";

/** Replaces the generated section of `file`, keeping everything around it. */
export function writeSection(file, markdown) {
  const text = readFileSync(file, "utf8");
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${file} has no ${START} … ${END} section to replace`);
  writeFileSync(file, `${text.slice(0, start + START.length)}\n${markdown}\n${text.slice(end)}`);
}
