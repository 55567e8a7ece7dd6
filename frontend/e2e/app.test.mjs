// End to end, in Debian's headless Chromium against the real server binary
// with demo data: every flow of the issue, in both a 390-px phone and a
// desktop viewport, axe on every page, no console errors, and a screenshot of
// each step (the folder is printed first).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { axe, gql, openBrowser, screenshotDir, shot, startServer } from './harness.mjs';

const password = 'konullu-demo';
const demo = {
  coordinator: 'coordinator@demo.konullu.az',
  staff: 'staff@demo.konullu.az',
  admin: 'admin@demo.konullu.az',
  volunteer: 'volunteer@demo.konullu.az',
};

let server;
let shots;
let features = new Set();
const problems = []; // axe findings, reported per page

before(async () => {
  shots = screenshotDir();
  console.log(`e2e: screenshots in ${shots}`);
  server = await startServer();
  // What this server offers (introspection is for admins): the tests of
  // parts that have not landed check that the app says so instead.
  const admin = await gql(server.url, `mutation { login(email: "${demo.admin}", password: "${password}") { token } }`);
  const data = await gql(
    server.url,
    '{ q: __type(name: "Query") { fields { name } } m: __type(name: "Mutation") { fields { name } } }',
    {},
    admin.login.token,
  );
  features = new Set([...data.q.fields.map((f) => `Query.${f.name}`), ...data.m.fields.map((f) => `Mutation.${f.name}`)]);
});

after(async () => {
  await server?.stop();
});

/** Runs axe on the page and fails the test on serious or critical violations. */
async function checkA11y(page, name) {
  const found = await axe(page);
  if (found.length) problems.push(`${name}: ${found.join('; ')}`);
  assert.deepEqual(found, [], `axe on ${name}`);
}

/** Screenshot and axe: every step a person sees. */
async function step(page, name) {
  await page.waitForLoadState('networkidle');
  await page.locator('.loading').first().waitFor({ state: 'detached', timeout: 15_000 }).catch(() => {});
  // From the top, so that the sticky header sits where a person sees it.
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, shots, name);
  await checkA11y(page, name);
  // Nothing wider than the screen: on a phone the page never scrolls sideways.
  const [scroll, view] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
  assert.ok(scroll <= view, `${name}: the page is ${scroll}px wide in a ${view}px viewport`);
}

async function login(page, email, { lang } = {}) {
  await page.goto(`${server.url}/login`);
  if (lang) {
    await page.evaluate((l) => localStorage.setItem('konullu.lang', l), lang);
    await page.reload();
  }
  await page.fill('input[type=email]', email);
  await page.fill('input[type=password]', password);
  await page.click('form button[type=submit]');
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

/** Tomorrow in Baku, the demo centres' zone. */
function tomorrowInBaku() {
  const now = new Date(Date.now() + 4 * 3600_000 + 24 * 3600_000);
  return now.toISOString().slice(0, 10);
}

function assertNoConsoleErrors(b) {
  assert.deepEqual(b.errors, [], 'console errors');
}

describe('volunteer on a phone', () => {
  it('registers, finds a shift, signs up, sees it in my shifts, and is told of an overlap in words', async () => {
    const b = await openBrowser('phone', { locale: 'az-AZ' });
    const { page } = b;
    try {
      await page.goto(server.url);
      await page.waitForURL('**/shifts');
      await step(page, 'phone-01-shifts-anonymous');

      await page.goto(`${server.url}/register`);
      await step(page, 'phone-02-register');
      // The browser's own checks first: a short password is refused next to its field.
      await page.fill('#register-fullName', 'Leyla Əliyeva');
      await page.fill('#register-email', `leyla.${Date.now()}@example.az`);
      await page.fill('#register-password', 'short');
      await page.fill('#register-birthDate', '2001-05-14');
      await page.click('form button[type=submit]');
      await page.locator('#register-password-error').waitFor();
      assert.equal(await page.locator('#register-password').getAttribute('aria-invalid'), 'true');
      await step(page, 'phone-03-register-error');
      await page.fill('#register-password', 'a-long-enough-password');
      await page.fill('#register-phone', '+994 50 111 22 33');
      await page.fill('#register-city', 'Bakı');
      await page.click('form button[type=submit]');
      await page.waitForURL('**/shifts');

      // Tomorrow, reception guides (no skills or age needed), with free places.
      await page.goto(`${server.url}/shifts?date=${tomorrowInBaku()}&open=1`);
      await page.selectOption('#f-position', { label: 'Reception guide' });
      const cards = page.locator('.shift-card');
      await cards.first().waitFor();
      await step(page, 'phone-04-find-shifts');

      // Held by the shift's link: once signed up, the card has no sign-up button any more.
      const href = await cards.filter({ has: page.locator('button.btn-primary') }).first().locator('.shift-card-title a').getAttribute('href');
      const first = page.locator('.shift-card', { has: page.locator(`a[href="${href}"]`) });
      const title = (await first.locator('.shift-card-title').innerText()).trim();
      const time = (await first.locator('.shift-card-time').innerText()).trim();
      const centre = (await first.locator('.shift-card-meta').innerText()).trim();
      await first.locator('button.btn-primary').click();
      await first.locator('.badge', { hasText: 'Təsdiqlənib' }).waitFor();
      await step(page, 'phone-05-signed-up');

      // Another centre's shift at the same time overlaps: the refusal is said in Azerbaijani.
      const otherHref = await cards
        .filter({ hasText: time })
        .filter({ hasNotText: centre })
        .filter({ has: page.locator('button.btn-primary') })
        .first()
        .locator('.shift-card-title a')
        .getAttribute('href', { timeout: 2000 })
        .catch(() => null);
      if (otherHref) {
        const other = page.locator('.shift-card', { has: page.locator(`a[href="${otherHref}"]`) });
        await other.locator('button.btn-primary').click();
        await other.getByRole('alert').filter({ hasText: 'Bu vaxtda artıq başqa növbəniz var.' }).waitFor();
        await step(page, 'phone-06-overlap-error');
      }

      await page.click('nav.tabbar a[href="/my-shifts"]');
      await page.waitForURL('**/my-shifts');
      const mine = page.locator('.shift-card', { hasText: title }).filter({ hasText: centre });
      await mine.first().waitFor();
      assert.match(await mine.first().innerText(), /Təsdiqlənib/);
      await step(page, 'phone-07-my-shifts');

      await mine.first().locator('.shift-card-title a').click();
      await page.waitForURL('**/shifts/*');
      await page.locator('.my-place .badge').waitFor();
      await step(page, 'phone-08-shift-detail');

      // Weekly availability: mornings on weekdays, saved.
      await page.click('nav.tabbar a[href="/availability"]');
      await page.waitForURL('**/availability');
      if (features.has('Mutation.setMyAvailability')) {
        await page.locator('.preset-row').first().getByRole('button').first().click();
        await page.getByRole('button', { name: 'Bütün iş günlərinə köçür' }).first().click();
        await page.getByRole('button', { name: 'Yadda saxla' }).last().click();
        await page.getByText('Boş vaxtınız yadda saxlanıldı.').waitFor();
      }
      await step(page, 'phone-09-availability');

      for (const [path, name] of [
        ['/notifications', 'phone-10-notifications'],
        ['/profile', 'phone-11-profile'],
      ]) {
        await page.click(`nav.tabbar a[href="${path}"]`);
        await page.waitForURL(`**${path}`);
        await step(page, name);
      }
      assertNoConsoleErrors(b);
    } finally {
      await b.close();
    }
  });

  it('switches the language, and keeps it after a reload', async () => {
    const b = await openBrowser('phone', { locale: 'az-AZ' });
    const { page } = b;
    try {
      await page.goto(`${server.url}/login`);
      assert.equal(await page.locator('h1').innerText(), 'Daxil ol');
      assert.equal(await page.getAttribute('html', 'lang'), 'az');
      await page.getByLabel('Dil').selectOption('en');
      await page.locator('h1', { hasText: 'Sign in' }).waitFor();
      assert.equal(await page.getAttribute('html', 'lang'), 'en');
      await step(page, 'phone-20-login-en');
      await page.getByLabel('Language').selectOption('ru');
      await page.locator('h1', { hasText: 'Вход' }).waitFor();
      await page.reload();
      await page.locator('h1', { hasText: 'Вход' }).waitFor();
      assert.equal(await page.getAttribute('html', 'lang'), 'ru');
      await step(page, 'phone-21-login-ru');
      // A wrong password is said in Russian.
      await page.fill('input[type=email]', demo.volunteer);
      await page.fill('input[type=password]', 'not-the-password');
      await page.click('form button[type=submit]');
      await page.getByRole('alert').filter({ hasText: 'Неверная эл. почта или пароль.' }).waitFor();
      await step(page, 'phone-22-login-error-ru');
      assertNoConsoleErrors(b);
    } finally {
      await b.close();
    }
  });
});

describe('coordinator at a desk', () => {
  it('creates and publishes a shift, finds and assigns a volunteer, and records attendance', async () => {
    // An English browser: the app starts in English.
    const b = await openBrowser('desktop', { locale: 'en-GB' });
    const { page } = b;
    try {
      await login(page, demo.coordinator);
      await page.waitForURL('**/coordinate');
      assert.equal(await page.getAttribute('html', 'lang'), 'en');
      await page.locator('.week-grid').waitFor();
      await step(page, 'desktop-01-week-calendar');

      // A new shift tomorrow, published at once.
      await page.click('a[href^="/coordinate/new"]');
      await page.getByLabel('Position').selectOption({ label: 'Reception guide' });
      await page.getByLabel('Date (first shift)').fill(tomorrowInBaku());
      await page.getByLabel('Start').fill('07:00');
      await page.getByLabel('End').fill('08:30');
      await page.getByLabel('Volunteers needed').fill('2');
      await step(page, 'desktop-02-new-shift');
      await page.click('form button[type=submit]');
      await page.waitForURL('**/coordinate?*');
      const created = page.locator('.cal-shift', { hasText: '07:00–08:30' }).first();
      await created.waitFor();
      await step(page, 'desktop-03-calendar-with-new-shift');

      await created.click();
      await page.waitForURL('**/coordinate/shifts/*');
      await page.locator('#roster-heading').waitFor();
      if (features.has('Query.availableVolunteers')) {
        // Someone free tomorrow morning, so that the list has at least one.
        const free = await gql(
          server.url,
          'mutation($i: RegisterInput!) { register(input: $i) { token } }',
          { i: { email: `free.${Date.now()}@example.az`, password: 'a-long-enough-password', fullName: 'Səbinə Free Tomorrow', birthDate: '1999-03-03', city: 'Bakı' } },
        );
        const weekday = ((new Date(`${tomorrowInBaku()}T12:00:00Z`).getUTCDay() + 6) % 7) + 1;
        await gql(server.url, 'mutation($i: AvailabilityInput!) { setMyAvailability(input: $i) { weekly { weekday } } }', { i: { weekly: [{ weekday, start: '06:00', end: '10:00' }] } }, free.register.token);
        await page.reload();
        const match = page.locator('.match').first();
        await match.waitFor();
        const name = (await match.locator('.roster-name').innerText()).trim();
        await step(page, 'desktop-04-find-volunteers');
        await match.getByRole('button').click();
        await page.locator('.roster-row', { hasText: name }).waitFor();
        await step(page, 'desktop-05-assigned');
      } else {
        // The API does not offer availableVolunteers yet: the panel says so instead of failing.
        await page.locator('.find-card', { hasText: 'Not available yet' }).waitFor();
        await step(page, 'desktop-04-find-volunteers-not-available');
        console.log('e2e: availableVolunteers is not in the API yet; assigning from "find volunteers" was not tried');
      }

      // Attendance for a shift of the centre that has already started.
      const token = (await gql(server.url, `mutation { login(email: "${demo.coordinator}", password: "${password}") { token user { coordinatedCentres { id } } } }`)).login;
      const centreId = token.user.coordinatedCentres[0].id;
      const now = new Date();
      const past = await gql(
        server.url,
        `query($c: ID!, $from: DateTime!, $to: DateTime!) { shifts(centreId: $c, from: $from, to: $to, status: PUBLISHED, first: 100) { edges { node { id endsAt assignments(status: [CONFIRMED, COMPLETED, NO_SHOW]) { id } } } } }`,
        { c: centreId, from: new Date(now - 4 * 86400_000).toISOString(), to: new Date(now - 3600_000).toISOString() },
        token.token,
      );
      const shift = past.shifts.edges.map((e) => e.node).find((s) => s.assignments.length > 0);
      assert.ok(shift, 'a past shift with people in the demo data');
      await page.goto(`${server.url}/coordinate/shifts/${shift.id}`);
      const row = page.locator('.roster-row', { has: page.getByRole('button', { name: 'Record attendance' }) }).first();
      await row.waitFor();
      await row.getByRole('button', { name: 'Record attendance' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Arrived').fill('09:10');
      await dialog.getByLabel('Left').fill('12:40');
      await step(page, 'desktop-06-record-attendance');
      await dialog.getByRole('button', { name: 'Save' }).click();
      await dialog.waitFor({ state: 'hidden' });
      await page.locator('.roster-row', { hasText: '09:10–12:40' }).first().waitFor();
      await step(page, 'desktop-07-attendance-recorded');

      await page.click('a[href="/coordinate/understaffed"]');
      await page.locator('h1', { hasText: 'Understaffed shifts' }).waitFor();
      await step(page, 'desktop-08-understaffed');
      assertNoConsoleErrors(b);
    } finally {
      await b.close();
    }
  });
});

describe('staff and admin', () => {
  it('staff open the participation dashboard', async () => {
    const b = await openBrowser('desktop', { locale: 'en-GB' });
    const { page } = b;
    try {
      await login(page, demo.staff);
      await page.waitForURL('**/reports');
      if (features.has('Query.participationReport')) {
        await page.locator('.stat').first().waitFor();
        assert.match(await page.locator('.stats').innerText(), /Hours/);
        await page.locator('.chart canvas').first().waitFor();
        // The CSV export downloads with the bearer token.
        const [download] = await Promise.all([
          page.waitForEvent('download'),
          page.getByRole('button', { name: 'Participation · CSV' }).click(),
        ]);
        assert.match(download.suggestedFilename(), /\.csv$/);
      } else {
        await page.getByText('Not available yet').waitFor();
        console.log('e2e: participationReport is not in the API yet; the dashboard says so');
      }
      await step(page, 'desktop-10-participation');
      assertNoConsoleErrors(b);
    } finally {
      await b.close();
    }
  });

  it('an admin opens the settings', async () => {
    const b = await openBrowser('desktop', { locale: 'en-GB' });
    const { page } = b;
    try {
      await login(page, demo.admin);
      await page.goto(`${server.url}/admin`);
      await page.locator('#centres-heading').waitFor();
      await step(page, 'desktop-11-admin');
      assertNoConsoleErrors(b);
    } finally {
      await b.close();
    }
  });
});

// Every page, in every language, in both viewports: axe and a screenshot.
const tour = [
  [demo.volunteer, ['/shifts', '/my-shifts', '/my-hours', '/availability', '/notifications', '/profile']],
  [demo.coordinator, ['/coordinate', '/coordinate/new', '/coordinate/understaffed']],
  [demo.staff, ['/reports']],
  [demo.admin, ['/admin']],
];

describe('every page in every language', () => {
  for (const viewport of ['phone', 'desktop']) {
    for (const lang of ['az', 'en', 'ru']) {
      it(`${viewport}, ${lang}`, async () => {
        const b = await openBrowser(viewport, { locale: 'az-AZ' });
        const { page } = b;
        try {
          await page.goto(`${server.url}/login`);
          await page.evaluate((l) => localStorage.setItem('konullu.lang', l), lang);
          await page.reload();
          await step(page, `tour-${viewport}-${lang}-login`);
          await page.goto(`${server.url}/register`);
          await step(page, `tour-${viewport}-${lang}-register`);
          for (const [email, paths] of tour) {
            await login(page, email);
            for (const path of paths) {
              await page.goto(`${server.url}${path}`);
              assert.equal(await page.getAttribute('html', 'lang'), lang);
              await step(page, `tour-${viewport}-${lang}${path.replaceAll('/', '-')}`);
            }
            await page.evaluate(() => localStorage.removeItem('konullu.token'));
          }
          assertNoConsoleErrors(b);
        } finally {
          await b.close();
        }
      });
    }
  }
});
