// Timing the SPA in headless Chromium. Every time is taken in the page with
// performance.now(), so the protocol round trips of the driver do not count.
import { readFileSync } from "node:fs";
import { chromium } from "@playwright/test";

// Debian's Chromium and its flags, as the end-to-end tests launch it.
const chromiumOptions = JSON.parse(
  readFileSync(new URL("../tests/e2e/chromium.json", import.meta.url), "utf8"),
);

/** Debian's Chromium (or $CHROMIUM) with the e2e suite's flags. */
export function launch() {
  return chromium.launch({
    ...chromiumOptions,
    executablePath: process.env.CHROMIUM ?? chromiumOptions.executablePath,
  });
}

/** A fresh context (empty cache) that carries the API's session cookie,
 * with `window.__benchShows` (see `shows`) in every page. */
export async function signedInContext(browser, url, cookie) {
  const context = await browser.newContext({ locale: "en-GB" });
  await context.addCookies([
    { name: cookie.name, value: cookie.value, url, httpOnly: true, sameSite: "Strict" },
  ]);
  await context.addInitScript(`window.__benchShows = ${shows}`);
  await context.addInitScript(afterPaint);
  return context;
}

export const ROW = "table.case-table tbody tr";

/** Init script: `window.__afterPaint(callback)` calls back once the frame
 * that renders the DOM as it is now has been painted: the rendering steps
 * of a frame (style, layout, paint) run right after its animation-frame
 * callbacks, and a message posted from one of those is handled after them.
 * (Two nested animation frames, used before, end only at the next frame's
 * start, up to one 16.7-ms vsync interval after the paint.) */
export function afterPaint() {
  window.__afterPaint = (callback) =>
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => callback();
      channel.port2.postMessage(null);
    });
}

/** Init script: records in `window.__firstRowAt` when the first inbox row
 * enters the DOM and, given `rows`, in `window.__rowsPaintedAt` when that
 * many rows are in and painted (`__afterPaint`), with when the
 * list's API response had arrived (`window.__listResponseEnd`). */
export function observeRows({ row, rows }) {
  const observer = new MutationObserver(() => {
    const count = document.querySelectorAll(row).length;
    if (count > 0 && window.__firstRowAt === undefined) {
      window.__firstRowAt = performance.now();
      console.debug("bench:first-row");
    }
    if (rows === undefined ? count > 0 : count >= rows) {
      observer.disconnect();
      window.__afterPaint(() => {
        const list = performance.getEntriesByType("resource").find((e) => e.name.includes("/api/v1/cases?"));
        window.__listResponseEnd = list?.responseEnd;
        window.__rowsPaintedAt = performance.now();
        console.debug("bench:rows-painted");
      });
    }
  });
  observer.observe(document, { childList: true, subtree: true });
}

/** What a finished interaction shows: the element `selector` whose text
 * holds `text` as a whole word (a case id). */
export const listShows = (id) => ({
  selector: `.inbox-results[aria-busy="false"] ${ROW}:first-child th a`,
  text: id,
});
export const caseShows = (id) => ({ selector: ".case-head h1", text: id });

function shows({ selector, text }) {
  const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const element = document.querySelector(selector);
  return !!element && new RegExp(`(^|\\W)${escaped}(\\W|$)`).test(element.textContent);
}

/** Resolves when the page logs `bench:<name>` (observeRows); call it
 * before the navigation it waits for. Not waitForFunction: that injects
 * the driver's own script into the page (about 15 ms of parsing and
 * compiling on a cold start, traced) and runs its check every frame, on
 * the main thread whose work is being timed. */
export function logged(page, name) {
  return page.waitForEvent("console", { predicate: (m) => m.text() === `bench:${name}`, timeout: 60_000 });
}

/** Waits (untimed) until the page shows `target`. */
export async function waitShown(page, target) {
  await page.waitForFunction((target) => window.__benchShows(target), target, { timeout: 60_000 });
}

/** Runs `act` (a real click or input through the driver) and returns the
 * milliseconds from the page receiving that input to `target` painted. */
export async function timeInput(page, target, act) {
  await page.evaluate((target) => {
    window.__painted = new Promise((resolve) => {
      let inputAt;
      const onInput = () => (inputAt ??= performance.now());
      addEventListener("click", onInput, true);
      addEventListener("input", onInput, true);
      const observer = new MutationObserver(() => {
        if (inputAt === undefined || !window.__benchShows(target)) return;
        observer.disconnect();
        removeEventListener("click", onInput, true);
        removeEventListener("input", onInput, true);
        window.__afterPaint(() => resolve(performance.now() - inputAt));
      });
      observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    });
  }, target);
  await act();
  return page.evaluate(() => window.__painted);
}
