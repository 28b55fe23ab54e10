// Minifies the JS glue, writes .br and .gz next to every text asset of the
// built SPA (the server sends them to browsers that accept them) and prints
// the download size. With --budget BYTES it fails when the brotli total
// exceeds the budget.
//   node scripts/compress.mjs dist [--budget 320000]
import { readdirSync, readFileSync, writeFileSync, statSync } from "node:fs";
import { join, extname, dirname } from "node:path";
import { createHash } from "node:crypto";
import { pathToFileURL, fileURLToPath } from "node:url";
import { brotliCompressSync, gzipSync, constants } from "node:zlib";

const dir = process.argv[2] ?? "dist";
const budgetIndex = process.argv.indexOf("--budget");
const budget = budgetIndex > 0 ? Number(process.argv[budgetIndex + 1]) : null;
const compressible = new Set([".wasm", ".js", ".css", ".html", ".svg"]);

// wasm-bindgen's JS glue, minified with terser (Trunk's minifier fails on
// its `export default`). index.html pins each asset by its sha384 hash
// (subresource integrity), so the new file's hash replaces the old one.
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { minify } = await import(pathToFileURL(join(root, ".tools/node_modules/terser/main.js")).href);
const sri = (bytes) => "sha384-" + createHash("sha384").update(bytes).digest("base64");
const indexPath = join(dir, "index.html");
let index = readFileSync(indexPath, "utf8");
for (const name of readdirSync(dir).filter((n) => extname(n) === ".js")) {
  const path = join(dir, name);
  const source = readFileSync(path);
  const result = await minify(source.toString(), { module: true, compress: true, mangle: true });
  if (result.code.length >= source.length) continue; // minified already
  writeFileSync(path, result.code);
  index = index.replace(sri(source), sri(Buffer.from(result.code)));
}
writeFileSync(indexPath, index);

const rows = [];
for (const name of readdirSync(dir)) {
  const path = join(dir, name);
  if (!statSync(path).isFile() || [".br", ".gz"].includes(extname(name))) continue;
  const raw = readFileSync(path);
  if (!compressible.has(extname(name))) {
    // Compressed already (the PNG icon): sent as it is, and counted so.
    rows.push({ name, raw: raw.length, gzip: raw.length, brotli: raw.length });
    continue;
  }
  const br = brotliCompressSync(raw, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length },
  });
  const gz = gzipSync(raw, { level: 9 });
  writeFileSync(path + ".br", br);
  writeFileSync(path + ".gz", gz);
  rows.push({ name, raw: raw.length, gzip: gz.length, brotli: br.length });
}
if (rows.length === 0) {
  console.error(`no assets in ${dir}: build the SPA first`);
  process.exit(1);
}
const total = rows.reduce((t, r) => ({ raw: t.raw + r.raw, gzip: t.gzip + r.gzip, brotli: t.brotli + r.brotli }), { raw: 0, gzip: 0, brotli: 0 });
const kb = (n) => (n / 1024).toFixed(1).padStart(8) + " KB";
console.log("asset".padEnd(44) + "raw".padStart(11) + "gzip".padStart(11) + "brotli".padStart(11));
for (const r of [...rows, { name: "total", ...total }]) {
  console.log(r.name.padEnd(44) + kb(r.raw) + kb(r.gzip) + kb(r.brotli));
}
if (budget !== null) {
  if (total.brotli > budget) {
    console.error(`SPA download is ${total.brotli} bytes brotli, over the budget of ${budget} bytes`);
    process.exit(1);
  }
  console.log(`size budget: ${total.brotli} of ${budget} bytes brotli (${((100 * total.brotli) / budget).toFixed(0)} %)`);
}
