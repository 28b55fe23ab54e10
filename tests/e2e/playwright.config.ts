import { defineConfig } from "@playwright/test";
// Debian's Chromium and its flags, shared with bench/browser.mjs.
import chromium from "./chromium.json";

// Chromium comes from Debian (Playwright cannot download its own here); the
// flags keep it from reaching for the network at start.
export default defineConfig({
  testDir: "./specs",
  globalSetup: "./global-setup.ts",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: true,
  workers: 2,
  retries: 0,
  forbidOnly: true,
  reporter: [["list"]],
  use: {
    locale: "en-GB",
    trace: "retain-on-failure",
    launchOptions: chromium,
  },
});
