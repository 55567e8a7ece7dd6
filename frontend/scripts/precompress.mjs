// Writes NAME.br (brotli, quality 11) and NAME.gz (gzip -9) beside every text
// file of dist/ worth compressing, once per build, so the server sends them
// as they are instead of compressing on each request (server/web.go). A
// compressed form that is not smaller is not written.
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, dirname, extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const text = new Set(['.js', '.mjs', '.css', '.html', '.svg', '.json', '.txt', '.webmanifest', '.xml', '.map']);
const minimum = 512; // as server/web.go: smaller files gain nothing

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else yield path;
  }
}

let count = 0;
for (const path of [...files(dist)]) {
  if (!text.has(extname(path))) continue;
  const body = readFileSync(path);
  if (body.length < minimum) continue;
  const br = brotliCompressSync(body, {
    params: {
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
    },
  });
  const gz = gzipSync(body, { level: 9 });
  if (br.length < body.length) writeFileSync(`${path}.br`, br);
  if (gz.length < body.length) writeFileSync(`${path}.gz`, gz);
  count++;
}
console.log(`precompress: ${count} files in dist/ with .br and .gz beside them`);
