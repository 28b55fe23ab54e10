// The browser part of `make bench`: cold start, interactions and the
// 1,000-row render, timed in headless Chromium against the release server.
// run.mjs uses these measures; run alone, for profiling a change to the SPA
// without the API loads, it starts its own server on a fresh 10,000-case
// database, prints medians and p95s and writes nothing into BENCHMARKS.md:
//
//   node bench/spa.mjs [cold] [interactions] [render]
//
// BENCH_DIST picks another build of the SPA (default dist/).
import { readdirSync, readFileSync } from "node:fs";
import { extname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

import { caseShows, launch, listShows, logged, observeRows, ROW, signedInContext, timeInput, waitShown } from "./browser.mjs";
import { cleanUp, databaseDir, getJson, MERCHANT, signIn, startServer } from "./server.mjs";
import { median, percentile, ms } from "./report.mjs";

export const COLD_RUNS = 20;
export const INTERACTION_RUNS = 30;
export const RENDER_ROWS = 1000;
export const RENDER_RUNS = 10;
// A demo customer's first name: several hundred of the bench cases.
export const SEARCH = "Hugo";
const CASES = 10_000;

/** b. Navigation to the Open inbox until its first row is in the page,
 * signed in, with the browser's cache disabled. */
export async function measureColdStart(browser, url, cookie) {
  const samples = [];
  // The first run also starts Chromium's processes: not counted.
  for (let run = 0; run <= COLD_RUNS; run++) {
    const context = await signedInContext(browser, url, cookie);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
    await page.addInitScript(observeRows, { row: ROW });
    const firstRow = logged(page, "first-row");
    await page.goto(`${url}/inbox/open`);
    await firstRow;
    if (run > 0) samples.push(await page.evaluate(() => window.__firstRowAt));
    await context.close();
  }
  return samples;
}

/** c. From a click or an input to its result painted, in one page.
 *
 * The SPA keeps the inbox pages it fetched until anything changes
 * (src/inbox_cache.rs), so a switch is timed twice: after a change (the
 * page comes from the server: the budget's case) and back to a page it
 * kept. A change is a note posted by another session of the same merchant
 * on a case out of view: the app hears of it on its event stream, forgets
 * its pages and fetches the list in view again, which the bench awaits
 * before the next input. Every search follows a change. */
export async function measureInteractions(browser, url, cookie, first) {
  const context = await signedInContext(browser, url, cookie);
  const page = await context.newPage();
  await page.goto(`${url}/inbox/open`);
  await waitShown(page, listShows(first.open));
  const samples = { parked: [], open: [], parkedKept: [], openKept: [], search: [], case: [] };
  const nav = (inbox) => () => page.click(`nav.sidebar a[href="/inbox/${inbox}"]`);
  const change = await changer(url, cookie, page);
  for (let run = 0; run < INTERACTION_RUNS; run++) {
    await change();
    samples.parked.push(await timeInput(page, listShows(first.parked), nav("parked")));
    await change();
    samples.open.push(await timeInput(page, listShows(first.open), nav("open")));
    samples.parkedKept.push(await timeInput(page, listShows(first.parked), nav("parked")));
    samples.openKept.push(await timeInput(page, listShows(first.open), nav("open")));
  }
  const search = page.locator("#inbox-search");
  for (let run = 0; run < INTERACTION_RUNS; run++) {
    await change();
    samples.search.push(await timeInput(page, listShows(first.search), () => search.fill(SEARCH)));
    await search.fill("");
    await waitShown(page, listShows(first.open));
  }
  for (let run = 0; run < INTERACTION_RUNS; run++) {
    // A different case each time: row 1, 2, 3, … of the first page.
    const link = page.locator(`${ROW}:nth-child(${run + 1}) th a`);
    const id = (await link.textContent()).trim();
    samples.case.push(await timeInput(page, caseShows(id), () => link.click()));
    await page.goBack();
    await waitShown(page, listShows(first.open));
  }
  await context.close();
  return samples;
}

/** A function that changes a case out of view (an internal note on the
 * last case of the Open inbox) and resolves once `page` has fetched its
 * list again because of it, and painted. */
async function changer(url, cookie, page) {
  const { total } = await getJson(url, cookie, "/api/v1/cases?inbox=open&per_page=1");
  const { items } = await getJson(url, cookie, `/api/v1/cases?inbox=open&per_page=1&page=${total}`);
  let { version } = await getJson(url, cookie, `/api/v1/cases/${items[0].id}`);
  let note = 0;
  return async () => {
    await page.evaluate(() => performance.clearResourceTimings());
    const res = await fetch(`${url}/api/v1/cases/${items[0].id}/notes`, {
      method: "POST",
      headers: { cookie: cookie.header, "content-type": "application/json", "x-claimdesk-csrf": "1", "idempotency-key": `bench-note-${Date.now()}-${note++}` },
      body: JSON.stringify({ version, body: "Checked the stock level." }),
    });
    if (!res.ok) throw new Error(`note: HTTP ${res.status} ${await res.text()}`);
    ({ version } = await res.json());
    await page.waitForFunction(
      () => performance.getEntriesByType("resource").some((e) => e.name.includes("/api/v1/cases?") && e.responseEnd > 0),
      null,
      { timeout: 10_000 },
    );
    await page.evaluate(() => new Promise((resolve) => window.__afterPaint(resolve)));
  };
}

/** d. Navigation start to RENDER_ROWS inbox rows painted: the SPA, and a
 * plain-JavaScript page rendering the same rows from the same API response
 * (plain-inbox.html, served on the same origin), alternately. Both load from
 * a warm HTTP cache: an uncounted first load of each fills it. */
export async function measureRender(browser, url, cookie, dist) {
  const stylesheet = readdirSync(dist).find((name) => extname(name) === ".css");
  const labels = readFileSync(new URL("../locales/en.json", import.meta.url), "utf8");
  const plain = readFileSync(join(import.meta.dirname, "plain-inbox.html"), "utf8")
    .replace("__CSS__", `/${stylesheet}`)
    .replace("__LABELS__", () => labels);
  const context = await signedInContext(browser, url, cookie);
  await context.route(`${url}/__bench/plain-inbox`, (route) => route.fulfill({ contentType: "text/html", body: plain }));
  await context.addInitScript(observeRows, { row: ROW, rows: RENDER_ROWS });
  const pages = { spa: `${url}/inbox/open?per_page=${RENDER_ROWS}`, plain: `${url}/__bench/plain-inbox` };
  // Per page: navigation start to painted, and the part of it after the
  // list's response arrived (the rendering, without the server's time).
  const samples = { spa: [], plain: [], spaAfterResponse: [], plainAfterResponse: [] };
  for (let run = 0; run <= RENDER_RUNS; run++) {
    for (const [name, address] of Object.entries(pages)) {
      const page = await context.newPage();
      const painted = logged(page, "rows-painted");
      await page.goto(address);
      await painted;
      const [paintedAt, responseEnd] = await page.evaluate(() => [window.__rowsPaintedAt, window.__listResponseEnd]);
      if (responseEnd === undefined) throw new Error(`${address} painted its rows without a list request`);
      if (run > 0) {
        samples[name].push(paintedAt);
        samples[`${name}AfterResponse`].push(paintedAt - responseEnd);
      }
      await page.close();
    }
  }
  await context.close();
  return samples;
}

/** The ids each interaction waits for: the first row of Open, of the
 * search and of Parked. */
export async function firstRows(url, cookie) {
  const first = async (query) => (await getJson(url, cookie, `/api/v1/cases?per_page=1&${query}`)).items[0]?.id;
  return { open: await first("inbox=open"), search: await first(`inbox=open&q=${SEARCH}`), parked: await first("inbox=parked") };
}

async function main() {
  const root = resolve(import.meta.dirname, "..");
  const binary = join(root, "target/release/claimdesk-server");
  const dist = resolve(process.env.BENCH_DIST ?? join(root, "dist"));
  const wanted = new Set(process.argv.slice(2));
  const wants = (name) => wanted.size === 0 || wanted.has(name);
  const line = (label, samples) => console.log(`${label}: median ${ms(median(samples))}, p95 ${ms(percentile(samples, 95))} (${samples.length} runs)`);
  const browser = await launch();
  try {
    if (wants("cold")) {
      const demo = await startServer(binary, { dir: databaseDir("demo"), staticDir: dist });
      line("cold start", await measureColdStart(browser, demo.url, await signIn(demo.url, MERCHANT)));
      await demo.stop();
    }
    if (!wants("interactions") && !wants("render")) return;
    const server = await startServer(binary, { dir: databaseDir("10k"), staticDir: dist, args: ["--bench-cases", String(CASES)] });
    const cookie = await signIn(server.url, MERCHANT);
    if (wants("interactions")) {
      const samples = await measureInteractions(browser, server.url, cookie, await firstRows(server.url, cookie));
      for (const [name, s] of Object.entries(samples)) line(name, s);
    }
    if (wants("render")) {
      const r = await measureRender(browser, server.url, cookie, dist);
      for (const [name, s] of Object.entries(r)) line(name, s);
      console.log(`ratio of medians: ${(median(r.spa) / median(r.plain)).toFixed(2)}×`);
    }
  } finally {
    await browser.close();
    await cleanUp();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error) => {
    console.error(`bench/spa.mjs failed: ${error.stack ?? error}`);
    process.exit(1);
  });
}
