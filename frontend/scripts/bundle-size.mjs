// Prints the size of every built JavaScript and CSS file, raw and gzipped,
// and the JavaScript the first page load needs (the entry and the chunks
// index.html preloads). Exits non-zero when that passes the budget.
import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const budget = 150 * 1024; // initial JavaScript, gzipped
const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const assets = join(dist, 'assets');
const index = readFileSync(join(dist, 'index.html'), 'utf8');
const initial = new Set([...index.matchAll(/(?:src|href)="\/assets\/([^"]+\.js)"/g)].map((m) => m[1]));

const kb = (n) => `${(n / 1024).toFixed(1)} KB`.padStart(10);
const rows = readdirSync(assets)
  .filter((f) => f.endsWith('.js') || f.endsWith('.css'))
  .map((f) => {
    const body = readFileSync(join(assets, f));
    return { f, raw: body.length, gz: gzipSync(body, { level: 9 }).length, first: initial.has(f) };
  })
  .sort((a, b) => Number(b.first) - Number(a.first) || b.gz - a.gz);

console.log('\nbundle sizes (gzip -9)                          raw     gzipped');
for (const r of rows) console.log(`  ${r.first ? '*' : ' '} ${r.f.padEnd(40)} ${kb(r.raw)} ${kb(r.gz)}`);
const first = rows.filter((r) => r.first && r.f.endsWith('.js')).reduce((n, r) => n + r.gz, 0);
const all = rows.filter((r) => r.f.endsWith('.js')).reduce((n, r) => n + r.gz, 0);
console.log(`  * loaded by index.html; initial JavaScript ${kb(first).trim()} gzipped (budget ${kb(budget).trim()}), all JavaScript ${kb(all).trim()}`);
if (first > budget) {
  console.error(`bundle-size: the initial JavaScript (${kb(first).trim()}) is over the budget of ${kb(budget).trim()}`);
  process.exit(1);
}
