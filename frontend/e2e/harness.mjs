// What the end-to-end tests stand on: the real server binary (built from
// ../server with the app embedded) on a free port with a temporary SQLite
// database and demo data, Debian's Chromium driven by playwright-core, axe,
// screenshots, and a watch on the browser console.
import { spawn, execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { copyFileSync, existsSync, mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { inflateSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import jsQR from 'jsqr';

const here = dirname(fileURLToPath(import.meta.url));
export const frontend = resolve(here, '..');
export const repo = resolve(frontend, '..');
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const chromiumPath = process.env.KONULLU_CHROMIUM ?? '/usr/bin/chromium';

/** A free TCP port on the loopback interface. */
export function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.unref();
    s.on('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

// The server binary: KONULLU_E2E_SERVER when set (make test builds it once
// for every test file), else built once per test file: every server started
// runs the same code, and linking it again costs seconds each time.
let binary = process.env.KONULLU_E2E_SERVER || undefined;
function serverBinary(log) {
  if (!binary) {
    const dir = mkdtempSync(join(tmpdir(), 'konullu-e2e-bin-'));
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    const bin = join(dir, 'konullu');
    log(`e2e: building the server into ${bin}`);
    execFileSync('go', ['build', '-o', bin, './server'], { cwd: repo, stdio: 'inherit' });
    binary = bin;
  }
  return binary;
}

/**
 * Builds the server with the app embedded (dist/ must be built) and starts it
 * on a free port with a fresh SQLite database and demo data. env adds to or
 * overrides its environment (KONULLU_REQUIRE_APPROVAL: '1', KONULLU_DEMO: '0'…).
 * Returns its URL and a stop function.
 */
export async function startServer({ log = console.log, env = {} } = {}) {
  if (!existsSync(join(frontend, 'dist', 'index.html'))) {
    throw new Error('frontend/dist is not built: run `npm run build` first (npm run test:e2e does)');
  }
  const bin = serverBinary(log);
  const work = mkdtempSync(join(tmpdir(), 'konullu-e2e-'));
  // Seeding the demo data takes a minute or more: make test seeds a file
  // beside the web app's build (konullu seed --demo --seed 0, what serve
  // seeds) and names it in KONULLU_E2E_DEMO_DB; each server gets a copy.
  const demoDB = process.env.KONULLU_E2E_DEMO_DB;
  if (demoDB && (env.KONULLU_DEMO ?? '1') === '1') {
    copyFileSync(demoDB, join(work, 'konullu.db'));
    log(`e2e: demo data copied from ${demoDB}`);
  }
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const serverLog = join(work, 'server.log');
  const out = createWriteStream(serverLog);
  const child = spawn(bin, ['serve'], {
    cwd: work,
    env: {
      ...process.env,
      KONULLU_ADDR: `127.0.0.1:${port}`,
      KONULLU_DATABASE_URL: `sqlite:${join(work, 'konullu.db')}`,
      KONULLU_DEMO: '1',
      KONULLU_LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  let exited = null;
  child.on('exit', (code, signal) => (exited = { code, signal }));
  // The demo seed takes about a minute on an idle 2-core machine, several on a busy one.
  const deadline = Date.now() + Number(process.env.KONULLU_E2E_READY_SECONDS ?? 600) * 1000;
  for (;;) {
    if (exited) throw new Error(`the server exited (${JSON.stringify(exited)}); see ${serverLog}`);
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new Error(`the server did not get ready in time; see ${serverLog}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  log(`e2e: server ready at ${url} (log: ${serverLog})`);
  return {
    url,
    serverLog,
    async stop() {
      if (!exited) {
        child.kill('SIGTERM');
        await new Promise((r) => {
          const t = setTimeout(() => {
            child.kill('SIGKILL');
            r();
          }, 15_000);
          child.on('exit', () => {
            clearTimeout(t);
            r();
          });
        });
      }
      rmSync(work, { recursive: true, force: true });
    },
  };
}

/** Sends one GraphQL request to the server (for test setup, not for what is tested). */
export async function gql(url, query, variables = {}, token) {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json();
  if (body.errors?.length) throw new Error(`${query.slice(0, 60)}…: ${JSON.stringify(body.errors)}`);
  return body.data;
}

export const viewports = {
  phone: { width: 390, height: 844, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
  desktop: { width: 1440, height: 900, deviceScaleFactor: 1, isMobile: false, hasTouch: false },
};

const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * A fresh browser profile (its own --user-data-dir) in the viewport, with
 * the browser's language and time zone as given (args: more Chromium flags,
 * such as a fake camera's). Every console error and
 * uncaught exception is recorded in errors.
 */
export async function openBrowser(viewport, { locale = 'az-AZ', timezoneId = 'Asia/Baku', args = [] } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'konullu-chromium-'));
  const { width, height, ...device } = viewports[viewport];
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: [...chromiumArgs, ...args],
    viewport: { width, height },
    ...device,
    locale,
    timezoneId,
  });
  const errors = [];
  const watch = (page) => {
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()} (${m.location().url})`);
    });
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  };
  context.on('page', watch);
  const page = context.pages()[0] ?? (await context.newPage());
  watch(page);
  page.setDefaultTimeout(15_000);
  return {
    context,
    page,
    errors,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Runs axe (WCAG 2.0/2.1 A and AA) on the page; returns the serious and critical violations. */
export async function axe(page) {
  // Evaluated through the DevTools protocol: the app's Content-Security-Policy
  // (script-src 'self') stays on, and would block an injected <script>.
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.evaluate(`${axeSource}\n;window.axe = axe;`);
  const result = await page.evaluate(async () =>
    // eslint-disable-next-line no-undef
    window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] }),
  );
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

/** Where screenshots go: KONULLU_E2E_SCREENSHOTS, else frontend/e2e-artifacts/screenshots. */
export function screenshotDir() {
  const dir = resolve(process.env.KONULLU_E2E_SCREENSHOTS ?? join(frontend, 'e2e-artifacts', 'screenshots'));
  mkdirSync(dir, { recursive: true });
  // Only this run's pictures: an old one would pass for a step that no longer happens.
  for (const f of readdirSync(dir)) if (f.endsWith('.png')) rmSync(join(dir, f));
  return dir;
}

export async function shot(page, dir, name, { fullPage = true } = {}) {
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage });
}

/**
 * What does not fit a phone: the page wider than the viewport, any element
 * that reaches past its left or right edge, and any text cut off by a box
 * that hides its overflow. Boxes made to scroll sideways (overflow-x: auto,
 * a wide table in its wrapper), fields (their text scrolls inside) and text
 * cut on purpose (text-overflow: ellipsis) are allowed; so is what is hidden
 * from sight (visually-hidden, the skip link). Of nested culprits only the
 * innermost are named: that is where the long word or the rigid box is.
 */
export async function misfits(page) {
  return page.evaluate(() => {
    const view = document.documentElement.clientWidth;
    const width = document.documentElement.scrollWidth;
    const name = (el) => {
      const text = (el.innerText ?? el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 50);
      const cls = typeof el.className === 'string' && el.className ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
      return `<${el.tagName.toLowerCase()}${cls}> "${text}"`;
    };
    const scrolls = (el) => {
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        const o = getComputedStyle(p).overflowX;
        if (o === 'auto' || o === 'scroll') return true;
      }
      return false;
    };
    const found = [];
    for (const el of document.body.querySelectorAll('*')) {
      if (el.closest('.visually-hidden, .skip-link, svg, [hidden], [aria-hidden="true"]')) continue;
      const style = getComputedStyle(el);
      if (style.display === 'none' || style.visibility === 'hidden') continue;
      const r = el.getBoundingClientRect();
      // 1 px or less: text for screen readers only (.visually-hidden and the like).
      if (r.width <= 1 || r.height <= 1 || scrolls(el)) continue;
      if (r.right > view + 0.5 || r.left < -0.5) {
        found.push([el, `${name(el)} spans ${Math.round(r.left)}…${Math.round(r.right)}px of ${view}px`]);
      } else if (
        !['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName) &&
        (style.overflowX === 'hidden' || style.overflowX === 'clip') &&
        style.textOverflow !== 'ellipsis' &&
        el.scrollWidth > el.clientWidth + 1
      ) {
        found.push([el, `${name(el)} cuts off its content: ${el.scrollWidth}px in ${el.clientWidth}px`]);
      }
    }
    const innermost = found.filter(([el]) => !found.some(([other]) => other !== el && el.contains(other))).map(([, m]) => m);
    return width > view ? [`the page is ${width}px wide in a ${view}px viewport`, ...innermost] : innermost;
  });
}

/**
 * Reads the QR code drawn in a PDF. The server draws it module by module as
 * filled squares of one size (reports.drawQR); no rasteriser is needed: the
 * squares of the page's content streams are put back on a grid, painted
 * into an image with a quiet zone, and that image is read by jsQR, as a
 * phone's camera would read the printed page.
 */
export function qrOfPDF(file) {
  const pdf = readFileSync(file);
  const text = pdf.toString('latin1');
  const squares = [];
  for (const m of text.matchAll(/stream\r?\n/g)) {
    const start = m.index + m[0].length;
    const end = text.indexOf('endstream', start);
    let body = pdf.subarray(start, end);
    try {
      body = inflateSync(body);
    } catch {
      // not compressed
    }
    for (const r of body.toString('latin1').matchAll(/(-?[\d.]+) (-?[\d.]+) (-?[\d.]+) (-?[\d.]+) re/g)) {
      const [x, y, w, h] = r.slice(1, 5).map(Number);
      if (Math.abs(Math.abs(w) - Math.abs(h)) < 0.01) squares.push({ x, y: y + Math.min(h, 0), s: Math.abs(w) });
    }
  }
  // The modules: the most common square size.
  const count = new Map();
  for (const q of squares) count.set(q.s.toFixed(3), (count.get(q.s.toFixed(3)) ?? 0) + 1);
  const size = Number([...count].sort((a, b) => b[1] - a[1])[0]?.[0]);
  const modules = squares.filter((q) => q.s.toFixed(3) === size.toFixed(3));
  if (modules.length < 50) throw new Error(`no QR code drawn in the PDF (${squares.length} squares)`);
  const step = size - 0.05;
  const x0 = Math.min(...modules.map((q) => q.x));
  const y0 = Math.min(...modules.map((q) => q.y));
  const cells = modules.map((q) => [Math.round((q.x - x0) / step), Math.round((q.y - y0) / step)]);
  const n = Math.max(...cells.flat()) + 1;
  const px = 6;
  const quiet = 4;
  const side = (n + 2 * quiet) * px;
  const rgba = new Uint8ClampedArray(side * side * 4).fill(255);
  for (const [i, j] of cells) {
    // PDF y grows upwards: row j from the bottom.
    const row = n - 1 - j;
    for (let dy = 0; dy < px; dy++) {
      for (let dx = 0; dx < px; dx++) {
        const o = (((row + quiet) * px + dy) * side + (i + quiet) * px + dx) * 4;
        rgba[o] = rgba[o + 1] = rgba[o + 2] = 0;
      }
    }
  }
  return jsQR(rgba, side, side)?.data;
}
