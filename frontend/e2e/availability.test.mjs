// Availability that matches how centres work (issue 12, item 1), in the real
// browser on the demo data: the coordinator's "find volunteers" offers
// several volunteers for every understaffed shift of the coming week, and
// lists those free for part of a shift apart, marked partly free; a
// volunteer ticks two adjacent blocks of their centre's day, saves, reloads
// and sees both still ticked.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openBrowser, startServer } from './harness.mjs';

const password = 'konullu-demo';

let server;

async function login(page, email) {
  await page.goto(`${server.url}/login`);
  await page.evaluate(() => localStorage.setItem('konullu.lang', 'en'));
  await page.reload();
  await page.fill('input[type=email]', email);
  await page.fill('input[type=password]', password);
  await page.click('form button[type=submit]');
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

describe('availability matches how centres work', () => {
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server?.stop();
  });

  it('the coordinator finds several volunteers for every understaffed shift, partial ones marked apart', async () => {
    const b = await openBrowser('desktop', { locale: 'en-GB' });
    const { page } = b;
    try {
      await login(page, 'coordinator@demo.konullu.az');
      await page.goto(`${server.url}/coordinate/understaffed`);
      const links = page.locator('table a[href^="/coordinate/shifts/"]');
      try {
        await links.first().waitFor({ timeout: 60_000 });
      } catch (e) {
        console.log(`e2e: the understaffed page: ${(await page.locator('main').innerText()).slice(0, 600)}`);
        throw e;
      }
      const hrefs = await links.evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      assert.ok(hrefs.length >= 5, `only ${hrefs.length} understaffed shifts on the demo`);
      let fewest = Infinity;
      let partial = 0;
      for (const href of hrefs) {
        // Through the page's own link, as a coordinator goes (client-side).
        await page.locator(`table a[href="${href}"]`).click();
        const card = page.locator('.find-card');
        await card.locator('.matches').first().waitFor();
        await card.locator('.partial-matches').waitFor();
        // Both lists are loaded once the partial section has a list or says it is empty.
        await card.locator('.partial-matches .match, .partial-matches p.muted:not(.small)').first().waitFor();
        const full = await card.locator('.match:not(.match-partial)').count();
        const parts = card.locator('.match-partial');
        fewest = Math.min(fewest, full);
        assert.ok(full >= 3, `${href}: ${full} volunteers free for the whole shift`);
        if ((await parts.count()) > 0) {
          partial++;
          const first = parts.first();
          assert.match(await first.locator('.badge').innerText(), /Partly free/);
          assert.match(await first.innerText(), /free for .* of /);
        }
        await page.goBack();
        await links.first().waitFor();
      }
      console.log(`e2e: ${hrefs.length} understaffed shifts, each with at least ${fewest} volunteers free for all of it; ${partial} with partial matches`);
      assert.ok(partial > 0, 'no shift showed a volunteer free for part of it');
      assert.deepEqual(b.errors, []);
    } finally {
      await b.close();
    }
  });

  it('a volunteer ticks two adjacent blocks of their centre’s day and sees both after a reload', async () => {
    const b = await openBrowser('phone', { locale: 'en-GB' });
    const { page } = b;
    try {
      await login(page, 'volunteer@demo.konullu.az');
      await page.goto(`${server.url}/availability`);
      // Thursday's blocks of Bakı 1 saylı ASAN xidmət mərkəzi, the centre she prefers.
      const morning = page.locator('button[data-block="4 09:00-13:30"]');
      const afternoon = page.locator('button[data-block="4 13:30-18:00"]');
      await morning.waitFor();
      assert.equal(await page.locator('button[data-block^="7 "]').count(), 0, 'the centre has no Sunday blocks');
      assert.equal(await morning.getAttribute('aria-pressed'), 'false');
      assert.equal(await afternoon.getAttribute('aria-pressed'), 'false');
      await morning.click();
      await afternoon.click();
      await page.getByRole('button', { name: 'Save' }).first().click();
      await page.getByText('availability is saved').first().waitFor();
      await page.reload();
      await morning.waitFor();
      assert.equal(await morning.getAttribute('aria-pressed'), 'true', 'the morning block after a reload');
      assert.equal(await afternoon.getAttribute('aria-pressed'), 'true', 'the afternoon block after a reload');
      // Shown as the two blocks, not as a row of times 09:00–18:00.
      assert.equal(await page.locator('.week-day:nth-child(4) .window-row').count(), 0);
      assert.deepEqual(b.errors, []);
    } finally {
      await b.close();
    }
  });
});
