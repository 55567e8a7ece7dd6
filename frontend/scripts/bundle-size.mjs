// Prints the size of every built JavaScript and CSS file, raw, gzipped and in
// brotli (the .gz and .br files scripts/precompress.mjs wrote: what the server
// sends), and what the first page load needs (index.html, the entry and the
// chunks index.html preloads, the CSS). Exits non-zero when the initial
// JavaScript passes the budget.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, gzipSync } from 'node:zlib';

const budget = 150 * 1024; // initial JavaScript, gzipped
const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const assets = join(dist, 'assets');
const index = readFileSync(join(dist, 'index.html'), 'utf8');
const initial = new Set([...index.matchAll(/(?:src|href)="\/assets\/([^"]+\.(?:js|css))"/g)].map((m) => m[1]));

// The size the server sends: the precompressed file when the build wrote one.
const sent = (path, ext, compress) => (existsSync(path + ext) ? readFileSync(path + ext).length : compress(readFileSync(path)).length);
const kb = (n) => `${(n / 1024).toFixed(1)} KB`.padStart(10);
const rows = readdirSync(assets)
  .filter((f) => f.endsWith('.js') || f.endsWith('.css'))
  .map((f) => {
    const path = join(assets, f);
    return {
      f,
      raw: readFileSync(path).length,
      gz: sent(path, '.gz', (b) => gzipSync(b, { level: 9 })),
      br: sent(path, '.br', (b) => brotliCompressSync(b)),
      first: initial.has(f),
    };
  })
  .sort((a, b) => Number(b.first) - Number(a.first) || b.gz - a.gz);

console.log('\nbundle sizes                                    raw     gzipped      brotli');
for (const r of rows) console.log(`  ${r.first ? '*' : ' '} ${r.f.padEnd(40)} ${kb(r.raw)} ${kb(r.gz)} ${kb(r.br)}`);
const sum = (list, key) => list.reduce((n, r) => n + r[key], 0);
const firstJS = rows.filter((r) => r.first && r.f.endsWith('.js'));
const firstAll = rows.filter((r) => r.first);
const html = join(dist, 'index.html');
const htmlRow = { raw: readFileSync(html).length, gz: sent(html, '.gz', (b) => gzipSync(b, { level: 9 })), br: sent(html, '.br', (b) => brotliCompressSync(b)) };
const allJS = rows.filter((r) => r.f.endsWith('.js'));
console.log(`  * loaded by index.html; initial JavaScript ${kb(sum(firstJS, 'gz')).trim()} gzipped (budget ${kb(budget).trim()}), all JavaScript ${kb(sum(allJS, 'gz')).trim()}`);
console.log(
  `  first load (index.html + starred files): ${kb(htmlRow.raw + sum(firstAll, 'raw')).trim()} raw, ` +
    `${kb(htmlRow.gz + sum(firstAll, 'gz')).trim()} gzip, ${kb(htmlRow.br + sum(firstAll, 'br')).trim()} brotli`,
);
if (sum(firstJS, 'gz') > budget) {
  console.error(`bundle-size: the initial JavaScript (${kb(sum(firstJS, 'gz')).trim()}) is over the budget of ${kb(budget).trim()}`);
  process.exit(1);
}
