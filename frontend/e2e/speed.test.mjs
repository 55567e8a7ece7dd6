// Speed on a phone and the everyday paths of issue 12 (items 4, 9, 10), on
// one server with the demo data:
//  - the first load on a throttled phone (Chromium DevTools Protocol: 4× CPU
//    slowdown, 1.6 Mbps down, 150 ms latency) until the first list of shifts,
//    printed (an aim of 2.5 s, not a pass mark: timings vary with the
//    machine); the app's files come brotli-compressed, hashed assets
//    immutable, index.html revalidated;
//  - a visitor's phone: the register button in the header, the day strip up
//    to the 60-day signup horizon, messages that leave once a field is fixed;
//  - the volunteer's record one tap away, the public verify page styled with
//    the reader's dates, the staff charts without a chart.js warning;
//  - a coordinator's weekly series: weekdays follow the first date, the
//    series is changed and then cancelled from a date on.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadavg } from 'node:os';
import { gql, openBrowser, startServer } from './harness.mjs';

const password = 'konullu-demo';
let server;

before(async () => {
  server = await startServer();
});

after(async () => {
  await server?.stop();
});

async function token(email) {
  const d = await gql(server.url, `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`, { e: email, p: password });
  return d.login.token;
}

async function signIn(page, email, lang = 'en') {
  const t = await token(email);
  await page.goto(`${server.url}/login`);
  await page.evaluate(
    ([tok, l]) => {
      localStorage.setItem('konullu.token', tok);
      localStorage.setItem('konullu.lang', l);
    },
    [t, lang],
  );
}

/** A date n days from today in Baku, YYYY-MM-DD. */
function bakuDate(n) {
  return new Date(Date.now() + 4 * 3600_000 + n * 86400_000).toISOString().slice(0, 10);
}

describe('speed and everyday paths', () => {
  it('measures the first load on a throttled phone; files come compressed and cached', async () => {
    const b = await openBrowser('phone', { locale: 'az-AZ' });
    try {
      const cdp = await b.context.newCDPSession(b.page);
      await cdp.send('Network.enable');
      await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: 150,
        downloadThroughput: (1.6 * 1024 * 1024) / 8,
        uploadThroughput: (750 * 1024) / 8,
      });
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
      const responses = [];
      b.page.on('response', (r) => responses.push(r));
      const started = Date.now();
      await b.page.goto(`${server.url}/shifts`, { waitUntil: 'commit' });
      await b.page.locator('.shift-card').first().waitFor({ state: 'visible', timeout: 30_000 });
      const ms = Date.now() - started;
      const bytes = (await b.page.evaluate(() => performance.getEntriesByType('resource').concat(performance.getEntriesByType('navigation')).reduce((n, e) => n + (e.transferSize || 0), 0)));
      // The figure, beside the machine's load: a shared machine slows the
      // throttled CPU further, so it is printed, never a pass mark.
      const load = loadavg().map((n) => n.toFixed(1)).join(' ');
      console.log(`first load on a throttled phone (4x CPU, 1.6 Mbps, 150 ms): first list of shifts after ${ms} ms, ${(bytes / 1024).toFixed(0)} KB transferred (aim 2500 ms: ${ms <= 2500 ? 'met' : 'missed'}; load average ${load})`);

      const html = responses.find((r) => new URL(r.url()).pathname === '/shifts');
      assert.ok(html, 'the page itself was fetched');
      assert.equal(html.headers()['content-encoding'], 'br', 'index.html in brotli');
      assert.equal(html.headers()['cache-control'], 'no-cache');
      const scripts = responses.filter((r) => /\/assets\/.*\.js$/.test(new URL(r.url()).pathname));
      assert.ok(scripts.length > 0, 'scripts were loaded');
      for (const r of scripts) {
        assert.equal(r.headers()['content-encoding'], 'br', `${r.url()} in brotli`);
        assert.match(r.headers()['cache-control'] ?? '', /immutable/, `${r.url()} cached for good`);
        assert.match(r.headers()['vary'] ?? '', /Accept-Encoding/i);
      }
      const api = responses.filter((r) => new URL(r.url()).pathname === '/graphql' && r.request().method() === 'POST');
      const big = [];
      for (const r of api) {
        const enc = r.headers()['content-encoding'];
        if (enc) big.push(enc);
      }
      assert.ok(big.length > 0 && big.every((e) => e === 'gzip' || e === 'zstd'), `the shifts' answer compressed: ${big}`);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });

      // A visitor's phone: register in the header; the day strip reaches 60 days.
      await b.page.evaluate(() => localStorage.setItem('konullu.lang', 'en'));
      await b.page.reload();
      await b.page.locator('header').getByRole('link', { name: 'Register' }).waitFor({ state: 'visible' });
      await b.page.locator('.day-strip .day-chip').first().waitFor({ state: 'visible' }); // the page's chunk renders after the header
      assert.equal(await b.page.locator('.day-strip .day-chip').count(), 60);
      await b.page.locator('.day-strip .day-chip').last().click();
      await b.page.waitForURL((u) => u.searchParams.get('date') === bakuDate(59));

      // A message goes away once its field is fixed, without sending again.
      await b.page.locator('header').getByRole('link', { name: 'Register' }).click();
      await b.page.click('form button[type=submit]');
      const emailError = b.page.locator('#register-email').locator('xpath=..').locator('.field-error');
      await emailError.waitFor({ state: 'visible' });
      await b.page.fill('#register-email', 'leyla@example.org');
      await emailError.waitFor({ state: 'detached' });
      assert.ok(await b.page.locator('#register-password').locator('xpath=..').locator('.field-error').isVisible(), 'the unfixed field keeps its message');
      assert.deepEqual(b.errors, [], 'console errors');
    } finally {
      await b.close();
    }
  });

  it('shows the record, the verify page and the charts', async () => {
    const b = await openBrowser('phone', { locale: 'en-GB' });
    try {
      const warnings = [];
      b.page.on('console', (m) => {
        if (m.type() === 'warning') warnings.push(m.text());
      });
      await signIn(b.page, 'volunteer@demo.konullu.az');
      await b.page.goto(`${server.url}/my-shifts`);
      const record = b.page.getByRole('navigation', { name: 'Your record' });
      await record.getByRole('link', { name: /Certificates/ }).click();
      await b.page.waitForURL((u) => u.pathname === '/my-hours' && u.hash === '#certificates');
      await b.page.locator('#certificates').waitFor({ state: 'visible' });
      await b.page.goto(`${server.url}/profile`);
      await b.page.getByRole('navigation', { name: 'Your record' }).getByRole('link', { name: /Calendar feed/ }).waitFor();

      // A certificate's public page: styled, the period in the reader's words.
      const t = await token('volunteer@demo.konullu.az');
      const c = await gql(server.url, `mutation($in: CertificateInput!) { issueCertificate(input: $in) { code from to } }`,
        { in: { from: bakuDate(-30), to: bakuDate(-1), language: 'en' } }, t);
      await b.page.goto(`${server.url}/verify/${c.issueCertificate.code}?lang=ru`);
      const period = await b.page.locator('#period').innerText();
      assert.doesNotMatch(period, /\d{4}-\d\d-\d\d/, `dates in words: ${period}`);
      assert.match(period, /(января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря)/);
      assert.equal(await b.page.locator('.card .status.ok').count(), 1);

      // Staff charts: no chart.js warning.
      await signIn(b.page, 'staff@demo.konullu.az');
      await b.page.goto(`${server.url}/reports`);
      await b.page.locator('canvas').first().waitFor({ state: 'visible' });
      await b.page.waitForTimeout(300);
      assert.deepEqual(warnings.filter((w) => /chart|fill/i.test(w)), [], 'chart.js warnings');
      assert.deepEqual(b.errors, [], 'console errors');
    } finally {
      await b.close();
    }
  });

  it('lets a coordinator make, change and cancel a weekly series', async () => {
    const b = await openBrowser('desktop', { locale: 'en-GB' });
    try {
      await signIn(b.page, 'coordinator@demo.konullu.az');
      // The weekdays follow the first date until chosen by hand.
      const monday = (() => {
        for (let n = 8; ; n++) if (new Date(`${bakuDate(n)}T12:00:00Z`).getUTCDay() === 1) return bakuDate(n);
      })();
      const wednesday = new Date(Date.parse(`${monday}T12:00:00Z`) + 2 * 86400_000).toISOString().slice(0, 10);
      await b.page.goto(`${server.url}/coordinate/new?date=${monday}`);
      await b.page.check('#repeat');
      const ticked = () => b.page.locator('.weekday-picker input').evaluateAll((els) => els.flatMap((e, i) => (e.checked ? [i + 1] : [])));
      assert.equal((await ticked()).length, 1);
      const before = await ticked();
      await b.page.getByLabel('Date (first shift)').fill(wednesday);
      const afterChange = await ticked();
      assert.equal(afterChange.length, 1, `one weekday after changing the date: ${afterChange}`);
      assert.notDeepEqual(afterChange, before, 'the weekday moved with the date');

      // A series through the API; changed, then cancelled, in the page.
      const t = await token('coordinator@demo.konullu.az');
      const me = await gql(server.url, `{ me { coordinatedCentres { id } } }`, {}, t);
      const cat = await gql(server.url, `{ positions { id } }`, {}, t);
      const made = await gql(
        server.url,
        `mutation($in: CreateShiftsInput!) { createShifts(input: $in) { id } }`,
        {
          in: {
            centreId: me.me.coordinatedCentres[0].id, positionId: cat.positions[0].id,
            startsAt: `${monday}T03:00:00Z`, endsAt: `${monday}T07:00:00Z`, capacity: 3,
            repeatWeekdays: [1, 3], repeatUntil: new Date(Date.parse(`${monday}T12:00:00Z`) + 16 * 86400_000).toISOString().slice(0, 10), publish: true,
          },
        },
        t,
      );
      assert.equal(made.createShifts.length, 6);
      await b.page.goto(`${server.url}/coordinate/shifts/${made.createShifts[1].id}`);
      const panel = b.page.locator('.series-card');
      await panel.waitFor({ state: 'visible' });
      await panel.getByLabel('Volunteers needed').fill('5');
      await panel.getByLabel('Start').fill('08:30');
      await panel.getByRole('button', { name: 'Change from this date' }).click();
      await panel.getByText('5 shifts changed.').waitFor();
      const changed = await gql(server.url, `query($id: ID!) { shift(id: $id) { capacity startsAt } }`, { id: made.createShifts[5].id }, t);
      assert.equal(changed.shift.capacity, 5);
      assert.match(changed.shift.startsAt, /T04:30:00Z$/);
      const first = await gql(server.url, `query($id: ID!) { shift(id: $id) { capacity } }`, { id: made.createShifts[0].id }, t);
      assert.equal(first.shift.capacity, 3, 'the shift before the date kept its capacity');

      await panel.getByRole('button', { name: 'Cancel the series from this date' }).click();
      const dialog = b.page.getByRole('dialog');
      await dialog.getByLabel(/Reason/).fill('The hall is being repaired');
      await dialog.getByRole('button', { name: 'Cancel these shifts' }).click();
      await b.page.getByText('5 shifts cancelled.').waitFor();
      const last = await gql(server.url, `query($id: ID!) { shift(id: $id) { status } }`, { id: made.createShifts[5].id }, t);
      assert.equal(last.shift.status, 'CANCELLED');
      assert.deepEqual(b.errors, [], 'console errors');
    } finally {
      await b.close();
    }
  });
});
