// End to end, in Debian's headless Chromium against the real server binary
// with demo data: every flow of the issue, in both a 390-px phone and a
// desktop viewport, axe on every page, no console errors, and a screenshot of
// each step (the folder is printed first).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SMTPServer } from 'smtp-server';
import { axe, freePort, gql, misfits, openBrowser, screenshotDir, shot, startServer } from './harness.mjs';
import { seedLongData } from './longwords.mjs';

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

/**
 * Screenshot and axe: every step a person sees. With misfit (an array), what
 * does not fit is noted there instead of failing at once, so that a tour
 * names every page that does not fit before it fails.
 */
async function step(page, name, { fullPage = true, misfit } = {}) {
  await page.waitForLoadState('networkidle');
  await page.locator('.loading').first().waitFor({ state: 'detached', timeout: 15_000 }).catch(() => {});
  // From the top, so that the sticky header sits where a person sees it.
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, shots, name, { fullPage });
  await checkA11y(page, name);
  if (misfit) {
    for (const m of (await misfits(page)).slice(0, 5)) misfit.push(`${name}: ${m}`);
  } else {
    await checkFits(page, name);
  }
}

/**
 * Nothing wider than the screen, nothing poking out of it, no text cut off
 * (misfits in harness.mjs): on a phone the page never scrolls sideways.
 */
async function checkFits(page, name) {
  const found = await misfits(page);
  assert.deepEqual(found.slice(0, 8), [], `${name} does not fit the viewport`);
}

async function login(page, email, { lang, secret = password } = {}) {
  await page.goto(`${server.url}/login`);
  if (lang) {
    await page.evaluate((l) => localStorage.setItem('konullu.lang', l), lang);
    await page.reload();
  }
  await page.fill('input[type=email]', email);
  await page.fill('input[type=password]', secret);
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
      await page.selectOption('#f-position', { label: 'Qəbul bələdçisi' });
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
        // The refusal names the shift it clashes with (issue 12, item 3).
        await other.getByRole('alert').filter({ hasText: /Başqa növbə ilə üst-üstə düşür: .+, .+/ }).waitFor();
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
        `query($c: ID!, $from: DateTime!, $to: DateTime!) { shifts(centreId: $c, from: $from, to: $to, status: PUBLISHED, first: 100) { edges { node { id startsAt endsAt assignments(status: [CONFIRMED, COMPLETED, NO_SHOW]) { id } } } } }`,
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
      // Times inside the shift, whichever of the day's shifts it is (a
      // morning's 09:10–12:40 was refused on an afternoon shift).
      const bakuTime = (ms) => new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Baku', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(ms));
      const arrived = bakuTime(Date.parse(shift.startsAt) + 10 * 60_000);
      const left = bakuTime(Date.parse(shift.endsAt) - 50 * 60_000);
      await dialog.getByLabel('Arrived').fill(arrived);
      await dialog.getByLabel('Left').fill(left);
      await step(page, 'desktop-06-record-attendance');
      await dialog.getByRole('button', { name: 'Save' }).click();
      await dialog.waitFor({ state: 'hidden' });
      await page.locator('.roster-row', { hasText: `${arrived}–${left}` }).first().waitFor();
      await step(page, 'desktop-07-attendance-recorded');

      // The live board follows the centre without reloading: a shift that
      // starts in ten minutes, a volunteer who signs up for it and checks
      // in through the API (as from a phone), the board showing each step.
      await page.goto(`${server.url}/coordinate/board?centre=${encodeURIComponent(centreId)}`);
      await page.getByTestId('board-due').waitFor();
      const positions = await gql(server.url, '{ positions { id } }', {}, token.token);
      const soon = new Date(Date.now() + 10 * 60_000);
      const made = await gql(
        server.url,
        'mutation($in: CreateShiftsInput!) { createShifts(input: $in) { id } }',
        { in: { centreId, positionId: positions.positions[0].id, startsAt: soon.toISOString(), endsAt: new Date(soon.getTime() + 2 * 3600_000).toISOString(), capacity: 3, publish: true } },
        token.token,
      );
      const arriving = await gql(server.url, 'mutation($i: RegisterInput!) { register(input: $i) { token } }', {
        i: { email: `board.${Date.now()}@example.az`, password: 'a-long-enough-password', fullName: 'Nərmin Board Arrival', birthDate: '2000-02-02' },
      });
      const place = await gql(server.url, 'mutation($s: ID!) { signUp(shiftId: $s) { id } }', { s: made.createShifts[0].id }, arriving.register.token);
      await page.getByTestId('board-due').getByText('Nərmin Board Arrival').waitFor();
      await step(page, 'desktop-07b-live-board-due');
      await gql(server.url, 'mutation($a: ID!) { checkIn(assignmentId: $a) { id } }', { a: place.signUp.id }, arriving.register.token);
      await page.getByTestId('board-checkedIn').getByText('Nərmin Board Arrival').waitFor();
      await step(page, 'desktop-07c-live-board-checked-in');

      await page.click('a[href="/coordinate/understaffed"]');
      await page.locator('h1', { hasText: 'Understaffed shifts' }).waitFor();
      await step(page, 'desktop-08-understaffed');
      assertNoConsoleErrors(b);
    } finally {
      await b.close();
    }
  });
});

describe('at the centre: place swaps, confirmation, messages', () => {
  it('a volunteer confirms and offers their place, another takes it, the coordinator sees it and writes to the shift', async (t) => {
    if (!features.has('Mutation.offerPlace')) {
      t.skip('place swaps are not in the API yet');
      return;
    }
    // A shift tomorrow at the coordinator's centre with one place, held by a new volunteer.
    const co = (await gql(server.url, `mutation { login(email: "${demo.coordinator}", password: "${password}") { token user { coordinatedCentres { id } } } }`)).login;
    const { positions } = await gql(server.url, '{ positions { id name } }', {}, co.token);
    const day = tomorrowInBaku();
    const { createShifts } = await gql(
      server.url,
      'mutation($i: CreateShiftsInput!) { createShifts(input: $i) { id } }',
      { i: { centreId: co.user.coordinatedCentres[0].id, positionId: positions.find((p) => p.name === 'Reception guide').id, startsAt: `${day}T14:00:00+04:00`, endsAt: `${day}T16:00:00+04:00`, capacity: 1, publish: true } },
      co.token,
    );
    const shiftId = createShifts[0].id;
    const stamp = Date.now();
    const register = async (name) => {
      const email = `${name.toLowerCase()}.${stamp}@example.az`;
      const r = await gql(server.url, 'mutation($i: RegisterInput!) { register(input: $i) { token } }', {
        i: { email, password, fullName: `${name} Swap`, birthDate: '2000-02-02', city: 'Bakı' },
      });
      return { email, token: r.register.token };
    };
    const offerer = await register('Offering');
    const taker = await register('Taking');
    await gql(server.url, 'mutation($s: ID!) { signUp(shiftId: $s) { id } }', { s: shiftId }, offerer.token);

    const b = await openBrowser('phone', { locale: 'en-GB' });
    const { page } = b;
    const signOut = () => page.evaluate(() => localStorage.removeItem('konullu.token'));
    try {
      // The holder confirms they are coming, then cannot come after all and offers the place.
      await login(page, offerer.email);
      await page.goto(`${server.url}/shifts/${shiftId}`);
      await page.getByRole('button', { name: 'I am coming' }).click();
      await page.getByText('You confirmed you are coming.').waitFor();
      await page.getByRole('button', { name: 'Offer my place' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Offer the place' }).click();
      await page.getByText(/Your place is on offer until/).waitFor();
      await step(page, 'swap-01-place-offered');

      // Another volunteer finds it on My shifts and takes it.
      await signOut();
      await login(page, taker.email);
      await page.goto(`${server.url}/my-shifts`);
      const offer = page.locator('.offers .shift-card').first();
      await offer.waitFor();
      await step(page, 'swap-02-places-on-offer');
      await offer.getByRole('button', { name: 'Take this place' }).click();
      await page.locator('#my-panel .shift-card', { hasText: 'Reception guide' }).locator('.badge', { hasText: 'Confirmed' }).first().waitFor();
      await step(page, 'swap-03-place-taken');

      // The coordinator sees who holds the place now, who has not confirmed, and writes to them.
      await signOut();
      await login(page, demo.coordinator);
      await page.goto(`${server.url}/coordinate/shifts/${shiftId}`);
      const takerRow = page.locator('.roster-row', { hasText: 'Taking Swap' });
      await takerRow.locator('.badge', { hasText: 'Not confirmed' }).waitFor();
      // The place went to another volunteer: said so, not "Withdrawn" (issue 12, item 5).
      await page.locator('.roster-row', { hasText: 'Offering Swap' }).locator('.badge', { hasText: 'Place given to another volunteer' }).waitFor();
      await page.getByLabel('Subject', { exact: true }).fill('Come at 14:15');
      await page.getByLabel('Message', { exact: true }).fill('The hall opens a little later tomorrow.');
      await page.getByRole('button', { name: 'Send' }).click();
      await page.getByText('Sent to 1 volunteer.').waitFor();
      await step(page, 'swap-04-roster-and-message');
      assertNoConsoleErrors(b);
    } finally {
      await b.close();
    }
  });
});

// Issue 13 as a new user would try it, on a phone in Azerbaijani: the demo
// coordinator fills next week automatically, drops two proposals, someone
// takes one of the proposed places before the apply, and the plan reports
// that refusal while the rest are assigned; a volunteer sets what they offer.
describe('roster planning on a phone', () => {
  it('the coordinator fills next week, drops two proposals, applies, and is told of the place taken meanwhile', async () => {
    const b = await openBrowser('phone', { locale: 'az-AZ' });
    const { page } = b;
    try {
      await login(page, demo.coordinator);
      const nextWeek = new Date(Date.now() + 4 * 3600_000 + 7 * 86400_000).toISOString().slice(0, 10);
      await page.goto(`${server.url}/coordinate?week=${nextWeek}`);
      await page.locator('.week-grid').waitFor();
      await page.getByRole('button', { name: 'Avtomatik doldur' }).click();
      await page.locator('.proposal').first().waitFor({ timeout: 120_000 });
      const proposals = page.locator('.proposal');
      const count = await proposals.count();
      assert.ok(count >= 4, `a plan with a few proposals (${count})`);
      // A week's plan is many screens long: the screenshot shows the first.
      await step(page, 'phone-roster-01-plan', { fullPage: false });

      // Two dropped: they stay on the calendar, struck through, and the
      // figures after the plan are the server's without them.
      const panel = page.locator('.roster-panel');
      const { login: auth } = await gql(server.url, `mutation { login(email: "${demo.coordinator}", password: "${password}") { token user { coordinatedCentres { id } } } }`);
      const openBefore = (await panel.locator('.stat-value').first().innerText()).trim();
      const asked = []; // the variables of each recount the page asked for
      page.on('request', (r) => {
        const body = r.postData() ?? '';
        if (body.includes('query RosterPlanAfter')) asked.push(JSON.parse(body).variables);
      });
      const dropped = [];
      for (const i of [0, 1]) {
        dropped.push(await proposals.nth(i).getAttribute('data-id'));
        await proposals.nth(i).getByRole('button').click();
      }
      const both = [...dropped].sort().join();
      for (let waited = 0; !asked.some((v) => [...v.skipProposalIds].sort().join() === both); waited += 100) {
        assert.ok(waited < 15_000, `the page asks the server for the figures without both dropped proposals (${JSON.stringify(asked)})`);
        await page.waitForTimeout(100);
      }
      assert.equal(await page.locator('.proposal-dropped').count(), 2);
      const { rosterPlan: recounted } = await gql(
        server.url,
        'query($p: ID!, $s: [ID!]) { rosterPlan(id: $p) { openPlacesBefore openPlacesAfter(skipProposalIds: $s) } }',
        { p: asked[0].planId, s: dropped },
        auth.token,
      );
      await panel.locator('.roster-summary[aria-busy="false"] .stat-value', { hasText: `${recounted.openPlacesBefore} → ${recounted.openPlacesAfter}` }).waitFor();
      assert.notEqual(openBefore, `${recounted.openPlacesBefore} → ${recounted.openPlacesAfter}`);

      // Meanwhile the coordinator assigns the volunteer of a third proposal
      // directly (as if from the shift's page): that proposal no longer holds.
      const taken = proposals.nth(2);
      const name = (await taken.locator('.proposal-name').innerText()).trim();
      const href = await taken.evaluate((e) => e.closest('li.cal-planned').querySelector('a.cal-shift').getAttribute('href'));
      const shiftId = href.split('/').pop();
      const cell = page.locator('li.cal-planned', { has: page.locator(`a[href="${href}"]`) });
      const [held] = (await cell.locator('.cal-shift-fill').innerText()).split('/').map((x) => Number(x.trim()));
      const kept = await cell.locator('.proposal:not(.proposal-dropped)').count();
      const { rosterPlans } = await gql(
        server.url,
        'query($c: ID!) { rosterPlans(centreId: $c, status: PROPOSED, first: 5) { proposals { shift { id } volunteer { id fullName } } } }',
        { c: auth.user.coordinatedCentres[0].id },
        auth.token,
      );
      const volunteer = rosterPlans[0].proposals.find((p) => p.shift.id === shiftId && p.volunteer.fullName === name).volunteer;
      await gql(server.url, 'mutation($s: ID!, $v: ID!) { assignVolunteer(shiftId: $s, volunteerId: $v) { status } }', { s: shiftId, v: volunteer.id }, auth.token);

      await page.getByRole('button', { name: 'Planı tətbiq et' }).click();
      await panel.locator('.alert-success').waitFor();
      assert.match(await panel.locator('.alert-success').innerText(), new RegExp(`^${count - 3} yer təyin olundu`));
      const refusals = panel.locator('.roster-refusals li');
      assert.equal(await refusals.count(), 1);
      assert.equal(await refusals.first().getAttribute('data-code'), 'CONFLICT');
      const said = await refusals.first().innerText();
      assert.ok(said.includes(name) && said.includes('yeri başqası tutdu'), said);
      // The calendar shows the result: the place taken meanwhile and the proposals kept.
      await page.locator(`a.cal-shift[href$="/${shiftId}"] .cal-shift-fill`, { hasText: `${held + kept}/` }).waitFor();
      assert.equal(await page.locator('.proposal').count(), 0);
      await step(page, 'phone-roster-02-applied', { fullPage: false });
      assertNoConsoleErrors(b);
    } finally {
      await b.close();
    }
  });

  it('a volunteer sets what they offer on the profile and finds it saved', async () => {
    const b = await openBrowser('phone', { locale: 'az-AZ' });
    const { page } = b;
    try {
      await login(page, demo.volunteer);
      await page.goto(`${server.url}/profile`);
      const card = page.locator('.card', { has: page.locator('#profile-commitment') });
      await card.locator('#commitment-maxShifts').fill('-1');
      await card.getByRole('button', { name: 'Yadda saxla' }).click();
      await card.locator('#commitment-maxShifts-error').waitFor();
      assert.equal(await card.locator('#commitment-maxShifts').getAttribute('aria-invalid'), 'true');
      await card.locator('#commitment-maxShifts').fill('2');
      await card.locator('#commitment-maxHours').fill('7,5');
      const centre = card.locator('label.check').first();
      const centreName = (await centre.innerText()).trim();
      await centre.locator('input').check();
      await card.getByRole('button', { name: 'Yadda saxla' }).click();
      await card.locator('.alert-success').waitFor();
      await step(page, 'phone-commitment-saved');
      await page.reload();
      await card.locator('#commitment-maxShifts').waitFor();
      assert.equal(await card.locator('#commitment-maxShifts').inputValue(), '2');
      assert.equal(await card.locator('#commitment-maxHours').inputValue(), '7.5');
      assert.ok(await card.locator('label.check', { hasText: centreName }).locator('input').isChecked());
      assert.match(await card.locator('.commitment-now').innerText(), /həftədə ən çox 2 növbə; həftədə ən çox 7,5 saat/);
      assertNoConsoleErrors(b);
    } finally {
      await b.close();
    }
  });
});

// The kiosk, a phone's camera, the live board and personal codes are tried
// in kiosk.test.mjs, on a server of their own.

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

// A volunteer under 18 without a guardian's consent (the demo's minors all
// have one), registered through the API for the coordinator to find.
const minor = { name: 'Nərmin Qəhrəmanova', guardian: 'Səbinə Qəhrəmanova', id: null };

/** A date of birth of someone 15 or 16 years old today. */
function minorBirthDate() {
  return `${new Date().getUTCFullYear() - 16}-06-15`;
}

describe('coordinator: volunteers and guardians’ consent', () => {
  it('finds a minor without consent with the filter, is told what to fix, records the consent, and the list updates', async () => {
    const b = await openBrowser('desktop', { locale: 'en-GB' });
    const { page } = b;
    try {
      if (!features.has('Query.volunteers')) {
        await login(page, demo.coordinator);
        await page.goto(`${server.url}/coordinate/volunteers`);
        await page.getByText('Not available yet').waitFor();
        await step(page, 'desktop-20-volunteers-not-available');
        console.log('e2e: volunteers is not in the API yet; the page says so, consent was not recorded');
        return;
      }
      const reg = await gql(server.url, 'mutation($i: RegisterInput!) { register(input: $i) { token user { volunteer { id } } } }', {
        i: { email: `minor.${Date.now()}@example.az`, password: 'a-long-enough-password', fullName: minor.name, birthDate: minorBirthDate(), city: 'Gəncə' },
      });
      minor.id = reg.register.user.volunteer.id;
      // Only a coordinator of a centre the minor applied at may record the
      // consent: the minor signs up for a shift of the coordinator's centre
      // (one any 16-year-old may take) and is refused for want of it.
      const coord = (await gql(server.url, `mutation { login(email: "${demo.coordinator}", password: "${password}") { user { coordinatedCentres { id } } } }`)).login;
      const now = Date.now();
      const open = await gql(
        server.url,
        `query($c: ID!, $from: DateTime!, $to: DateTime!) { shifts(centreId: $c, from: $from, to: $to, openOnly: true, first: 100) { edges { node { id position { requiredSkills minimumAge } } } } }`,
        { c: coord.user.coordinatedCentres[0].id, from: new Date(now + 86400_000).toISOString(), to: new Date(now + 10 * 86400_000).toISOString() },
        reg.register.token,
      );
      const applied = open.shifts.edges.map((e) => e.node).find((s) => s.position.requiredSkills.length === 0 && !s.position.minimumAge);
      assert.ok(applied, 'an open shift at the coordinator’s centre that a minor may take');
      await assert.rejects(
        gql(server.url, 'mutation($s: ID!) { signUp(shiftId: $s) { id } }', { s: applied.id }, reg.register.token),
        /REQUIREMENT_NOT_MET/,
      );

      await login(page, demo.coordinator);
      await page.click('nav.sidebar a[href="/coordinate/volunteers"]');
      await page.locator('h1', { hasText: 'Volunteers' }).waitFor();
      await page.locator('.volunteer-row').first().waitFor();
      await step(page, 'desktop-20-volunteers');

      // The filter: only minors without a guardian's consent, then the name.
      await page.locator('label.chip', { hasText: 'Need a guardian’s consent' }).click();
      await page.waitForURL('**show=consent**');
      await page.getByLabel('Search by name').fill(minor.name);
      await page.waitForURL('**q=**');
      const row = page.locator('.volunteer-row', { hasText: minor.name });
      await row.waitFor();
      assert.equal(await page.locator('.volunteer-row').count(), 1, 'only the minor matches');
      await row.locator('.badge', { hasText: 'Needs a guardian’s consent' }).waitFor();
      assert.match(await row.innerText(), /Gəncə/);
      await step(page, 'desktop-21-volunteers-need-consent');

      await row.getByRole('button', { name: `Record guardian’s consent for ${minor.name}` }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Guardian’s full name').waitFor();
      // Both required fields are said to be missing, next to them.
      await dialog.getByRole('button', { name: 'Record consent' }).click();
      await page.locator('#consent-guardianName-error', { hasText: 'This field is required.' }).waitFor();
      await page.locator('#consent-relationship-error', { hasText: 'This field is required.' }).waitFor();
      assert.equal(await page.locator('#consent-guardianName').getAttribute('aria-invalid'), 'true');
      // The server's INVALID_INPUT about the relationship (over 60 characters) goes next to it.
      await dialog.getByLabel('Guardian’s full name').fill(minor.guardian);
      await dialog.getByLabel('Relationship to the volunteer').fill('mother, who brought the signed paper form to the reception desk on Monday');
      await dialog.getByRole('button', { name: 'Record consent' }).click();
      await page.locator('#consent-relationship-error', { hasText: 'up to 60 characters' }).waitFor();
      assert.equal(await page.locator('#consent-relationship').getAttribute('aria-invalid'), 'true');
      assert.equal(await page.locator('#consent-guardianName-error').count(), 0);
      await step(page, 'desktop-22-consent-error');

      await dialog.getByLabel('Relationship to the volunteer').fill('mother');
      await dialog.getByLabel('Guardian’s contact').fill('+994 50 000 11 22');
      await dialog.getByLabel('Note').fill('Signed form seen at the centre.');
      await dialog.getByRole('button', { name: 'Record consent' }).click();
      await dialog.waitFor({ state: 'hidden' });
      await page.getByRole('status').filter({ hasText: `The guardian’s consent for ${minor.name} is recorded.` }).waitFor();
      // The list updates: the minor no longer needs one.
      await row.waitFor({ state: 'detached' });
      await page.getByText('Every volunteer under 18 has a guardian’s consent on record.').or(page.getByText('No volunteer matches.')).first().waitFor();
      await step(page, 'desktop-23-consent-recorded');

      await page.locator('label.chip', { hasText: 'All' }).click();
      await page.waitForURL((u) => !u.search.includes('show='));
      await row.locator('.badge', { hasText: 'Under 18 · consent on record' }).waitFor();
      assert.equal(await row.getByRole('button').count(), 0, 'nothing left to do for the minor');
      await step(page, 'desktop-24-volunteers-consent-on-record');
      assertNoConsoleErrors(b);
    } finally {
      await b.close();
    }
  });

  it('an admin finds the consent in the audit log as done, opens its change, and loads older entries', async () => {
    const b = await openBrowser('desktop', { locale: 'en-GB' });
    const { page } = b;
    try {
      const admin = (await gql(server.url, `mutation { login(email: "${demo.admin}", password: "${password}") { token } }`)).login.token;
      if (minor.id) {
        // More entries than a page holds, so that there is an older page to load.
        for (let i = 0; i < 26; i++) {
          await gql(server.url, 'mutation($v: ID!, $s: [String!]!) { setVolunteerSkills(volunteerId: $v, skills: $s) { id } }', { v: minor.id, s: i % 2 ? ['first aid'] : [] }, admin);
        }
      }
      await login(page, demo.admin);
      await page.click('nav.sidebar a[href="/admin/audit"]');
      await page.locator('h1', { hasText: 'Audit log' }).waitFor();
      await page.locator('.audit-entry').first().waitFor();
      await step(page, 'desktop-25-audit-log');

      if (minor.id) {
        // Older entries, a page at a time.
        const shown = await page.locator('.audit-entry').count();
        assert.equal(shown, 25);
        await page.getByRole('button', { name: 'Load more' }).click();
        await page.waitForFunction((n) => document.querySelectorAll('.audit-entry').length > n, shown);
        await page.getByText(/entries shown/).waitFor();

        await page.getByLabel('Action').selectOption('recordGuardianConsent');
        await page.locator('form[role=search] button[type=submit]').click();
        await page.waitForURL('**action=recordGuardianConsent');
        // The list is the filtered one once its first entry is the consent.
        await page.locator('.audit-entry').first().filter({ hasText: 'Guardian consent recorded' }).waitFor();
        assert.equal(await page.locator('.audit-entry').filter({ hasNotText: 'Guardian consent recorded' }).count(), 0, 'only consents listed');
        const entry = page.locator('.audit-entry').first();
        await entry.locator('.badge', { hasText: 'Done' }).waitFor();
        // In words and by name, not the mutation and the email (issue 12, item 8).
        assert.match(await entry.innerText(), /Guardian consent recorded/);
        assert.match(await entry.locator('.audit-actor').innerText(), /Nigar Həsənova/);
        // The attempt with a too long relationship is there too, failed with its code.
        const failed = page.locator('.audit-entry', { has: page.locator('.badge', { hasText: 'Failed' }) });
        if ((await failed.count()) > 0) assert.match(await failed.first().innerText(), /INVALID_INPUT/);
        // The volunteer before and after: the consent is what changed.
        await entry.locator('.audit-diff').first().waitFor();
        assert.doesNotMatch(await entry.locator('.audit-diff').first().innerText(), /[{}]/, 'the change field by field, not JSON');
        await entry.locator('details.audit-details > summary').click();
        assert.match(await entry.locator('.audit-details').innerText(), new RegExp(minor.guardian));
        await step(page, 'desktop-26-audit-consent-done');
      } else {
        console.log('e2e: no consent was recorded (volunteers is not in the API yet); the audit log was only opened');
      }
      assertNoConsoleErrors(b);
    } finally {
      await b.close();
    }
  });
});

// Approval needs a server where new volunteers wait for it: a second one,
// without demo data, with a bootstrap admin who sets up a centre and its coordinator.
describe('coordinator on a phone: approving new volunteers', () => {
  let approvals;
  const admin = { email: 'admin@e2e.konullu.az', password: 'e2e-admin-password' };
  before(async () => {
    approvals = await startServer({
      env: { KONULLU_DEMO: '0', KONULLU_REQUIRE_APPROVAL: '1', KONULLU_ADMIN_EMAIL: admin.email, KONULLU_ADMIN_PASSWORD: admin.password },
    });
  });
  after(async () => {
    await approvals?.stop();
  });

  it('approves a volunteer waiting for approval, found with the filter', async () => {
    const url = approvals.url;
    const b = await openBrowser('phone', { locale: 'az-AZ' });
    const { page } = b;
    try {
      const token = (await gql(url, 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }', { e: admin.email, p: admin.password })).login.token;
      const centre = (await gql(url, 'mutation($i: CentreInput!) { createCentre(input: $i) { id } }', { i: { name: 'Gəncə Könüllü Mərkəzi', city: 'Gəncə', timezone: 'Asia/Baku' } }, token)).createCentre;
      const register = 'mutation($i: RegisterInput!) { register(input: $i) { user { id volunteer { id status } } } }';
      const coordinator = { email: 'coordinator@e2e.konullu.az', password: 'coordinator-password' };
      const c = await gql(url, register, { i: { ...coordinator, fullName: 'Rəşad Məmmədov', birthDate: '1990-02-02', city: 'Gəncə' } });
      await gql(url, 'mutation($u: ID!, $c: [ID!]) { grantRole(userId: $u, role: COORDINATOR, centreIds: $c) { id } }', { u: c.register.user.id, c: [centre.id] }, token);
      const name = 'Zəhra Süleymanlı';
      const v = await gql(url, register, { i: { email: 'zehra@example.az', password: 'a-long-enough-password', fullName: name, birthDate: '2000-09-09', city: 'Gəncə' } });
      assert.equal(v.register.user.volunteer.status, 'PENDING');

      await page.goto(`${url}/login`);
      await page.fill('input[type=email]', coordinator.email);
      await page.fill('input[type=password]', coordinator.password);
      await page.click('form button[type=submit]');
      await page.waitForURL((u) => !u.pathname.startsWith('/login'));
      // On a phone the coordinator's tools are in the menu.
      await page.locator('.menu-btn').click();
      await page.click('#phone-menu a[href="/coordinate/volunteers"]');
      await page.locator('h1', { hasText: 'Könüllülər' }).waitFor();
      await page.locator('label.chip', { hasText: 'Təsdiq gözləyənlər' }).click();
      await page.waitForURL('**show=pending**');
      const row = page.locator('.volunteer-row', { hasText: name });
      await row.waitFor();
      await row.locator('.badge', { hasText: 'Təsdiq gözləyir' }).waitFor();
      await step(page, 'phone-30-volunteers-pending');

      await row.getByRole('button', { name: `${name} — təsdiqlə` }).click();
      await page.getByRole('status').filter({ hasText: `${name} təsdiqləndi` }).waitFor();
      await row.waitFor({ state: 'detached' });
      await step(page, 'phone-31-volunteer-approved');
      const now = await gql(url, 'query($id: ID!) { volunteer(id: $id) { status } }', { id: v.register.user.volunteer.id }, token);
      assert.equal(now.volunteer.status, 'ACTIVE');
      assertNoConsoleErrors(b);
    } finally {
      await b.close();
    }
  });
});

// Every page, in every language, in both viewports: axe and a screenshot.
const tour = [
  [demo.volunteer, ['/shifts', '/my-shifts', '/my-hours', '/availability', '/notifications', '/profile', '/checkin']],
  [demo.coordinator, ['/coordinate', '/coordinate/board', '/coordinate/new', '/coordinate/understaffed', '/coordinate/volunteers', '/coordinate/kiosks']],
  [demo.staff, ['/reports']],
  [demo.admin, ['/admin', '/admin/audit']],
];

// Account controls run on a server of their own, without demo data, whose
// email goes to an SMTP server this test runs (the package smtp-server):
// the reset link is read from the email as a person would read it.
describe('account controls', () => {
  let acct;
  let mailServer;
  const inbox = [];
  const root = { email: 'root@konullu.test', password: 'root-password-123' };

  before(async () => {
    mailServer = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, session, done) {
        let data = '';
        stream.setEncoding('utf8');
        stream.on('data', (c) => (data += c));
        stream.on('end', () => {
          inbox.push({ to: session.envelope.rcptTo.map((r) => r.address), data });
          done();
        });
      },
    });
    const port = await freePort();
    await new Promise((ok) => mailServer.listen(port, '127.0.0.1', ok));
    acct = await startServer({
      env: {
        KONULLU_DEMO: '0',
        KONULLU_SMTP_URL: `smtp://127.0.0.1:${port}?tls=none`,
        KONULLU_ADMIN_EMAIL: root.email,
        KONULLU_ADMIN_PASSWORD: root.password,
      },
    });
  });

  after(async () => {
    await acct?.stop();
    await new Promise((ok) => (mailServer ? mailServer.close(ok) : ok()));
  });

  /** The reset link of the newest email to the address (quoted-printable undone). */
  async function resetLink(email) {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const mail = inbox.filter((m) => m.to.includes(email)).at(-1);
      if (mail) {
        const text = mail.data.replaceAll('=\r\n', '').replaceAll('=3D', '=');
        const m = text.match(/https?:\/\/[^\s"<>]+\/reset-password#token=[A-Za-z0-9_-]{43}/);
        assert.ok(m, `no reset link in the email:\n${mail.data}`);
        return m[0];
      }
      assert.ok(Date.now() < deadline, `no email reached ${email}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async function signIn(page, email, pw) {
    await page.goto(`${acct.url}/login`);
    await page.fill('input[type=email]', email);
    await page.fill('input[type=password]', pw);
    await page.click('form button[type=submit]');
    await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  }

  async function register(name) {
    const email = `${name.toLowerCase()}.${Date.now()}@example.az`;
    const pw = 'first-password-1';
    const d = await gql(acct.url, 'mutation($in: RegisterInput!) { register(input: $in) { token user { id } } }', {
      in: { email, password: pw, fullName: `${name} Həsənova`, birthDate: '2000-02-02' },
    });
    return { email, pw, token: d.register.token, id: d.register.user.id };
  }

  const me = '{ me { email } }';

  it('a volunteer resets a forgotten password by the emailed link, changes it, and signs out everywhere (phone)', async () => {
    const v = await register('Ayla');
    const b = await openBrowser('phone', { locale: 'en-GB' });
    const { page } = b;
    try {
      await page.goto(`${acct.url}/login`);
      await page.evaluate(() => localStorage.setItem('konullu.lang', 'en'));
      await page.reload();
      await page.getByRole('link', { name: 'Forgot your password?' }).click();
      await page.waitForURL('**/forgot-password');
      await step(page, 'acct-phone-01-forgot');
      // An address with no account gets the same answer, and no email.
      await page.fill('input[type=email]', 'nobody.here@example.az');
      await page.click('form button[type=submit]');
      await page.getByRole('status').filter({ hasText: 'If an account has this email' }).waitFor();
      await page.fill('input[type=email]', v.email);
      await page.click('form button[type=submit]');
      await page.getByRole('status').filter({ hasText: 'If an account has this email' }).waitFor();
      await step(page, 'acct-phone-02-forgot-sent');
      const link = await resetLink(v.email);
      assert.ok(link.startsWith(`${acct.url}/reset-password#token=`), link);
      assert.ok(!inbox.some((m) => m.to.includes('nobody.here@example.az')), 'an email went to an address with no account');

      await page.goto(link);
      await page.locator('input[autocomplete=new-password]').waitFor();
      assert.equal(new URL(page.url()).hash, '', 'the token stays in the address bar');
      await step(page, 'acct-phone-03-reset');
      await page.fill('input[autocomplete=new-password]', 'second-password-2');
      await page.click('form button[type=submit]');
      await page.waitForURL((u) => !u.pathname.startsWith('/reset-password'));
      await assert.rejects(gql(acct.url, me, {}, v.token), /UNAUTHENTICATED/, 'the session from before the reset still works');
      // The link works once.
      await page.goto(link);
      await page.locator('input[autocomplete=new-password]').fill('third-password-3');
      await page.click('form button[type=submit]');
      await page.getByRole('alert').filter({ hasText: 'This link is invalid, used or expired.' }).waitFor();
      await step(page, 'acct-phone-04-reset-used');

      // Change the password on the profile: another session ends, this one stays.
      await page.goto(`${acct.url}/profile`);
      const other = (await gql(acct.url, 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }', { e: v.email, p: 'second-password-2' })).login.token;
      await page.locator('#security-heading').waitFor();
      await page.fill('input[autocomplete=current-password]', 'not-my-password');
      await page.locator('input[autocomplete=new-password]').fill('fourth-password-4');
      await page.getByRole('button', { name: 'Change the password' }).click();
      await page.getByText('The current password is not right.').waitFor();
      await page.fill('input[autocomplete=current-password]', 'second-password-2');
      await page.getByRole('button', { name: 'Change the password' }).click();
      await page.getByRole('status').filter({ hasText: 'Your password is changed.' }).waitFor();
      await step(page, 'acct-phone-05-password-changed');
      await assert.rejects(gql(acct.url, me, {}, other), /UNAUTHENTICATED/, 'another session survived the change');

      await page.getByRole('button', { name: 'Sign out everywhere' }).click();
      await page.waitForURL('**/login**');
      await signIn(page, v.email, 'fourth-password-4');
      assertNoConsoleErrors(b);
    } finally {
      await b.close();
    }
  });

  it('an admin suspends a volunteer (their session stops at once), reactivates them and revokes a coordinator role (desktop)', async () => {
    const v = await register('Nigar');
    const admin = (await gql(acct.url, 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }', { e: root.email, p: root.password })).login.token;
    const c = await gql(acct.url, 'mutation { createCentre(input: {name: "Şəki ASAN xidmət mərkəzi", city: "Şəki", timezone: "Asia/Baku"}) { id } }', {}, admin);
    await gql(acct.url, 'mutation($u: ID!, $c: [ID!]) { grantRole(userId: $u, role: COORDINATOR, centreIds: $c) { id } }', { u: v.id, c: [c.createCentre.id] }, admin);
    const b = await openBrowser('desktop', { locale: 'en-GB' });
    const { page } = b;
    try {
      await page.goto(`${acct.url}/login`);
      await page.evaluate(() => localStorage.setItem('konullu.lang', 'en'));
      await signIn(page, root.email, root.password);
      await page.goto(`${acct.url}/admin`);
      await page.getByRole('link', { name: 'Open accounts' }).click();
      await page.waitForURL('**/admin/accounts');
      await page.fill('input[type=search]', 'NİGAR');
      await page.getByRole('button', { name: 'Search' }).click();
      const row = page.locator('.account-row', { hasText: v.email });
      await row.waitFor();
      await step(page, 'acct-desktop-01-accounts');

      await row.getByRole('button', { name: 'Suspend' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.locator('textarea').fill('Shared volunteers’ phone numbers');
      await step(page, 'acct-desktop-02-suspend');
      await dialog.getByRole('button', { name: 'Suspend the account' }).click();
      await row.locator('.badge', { hasText: 'Suspended' }).waitFor();
      await row.getByText('Shared volunteers’ phone numbers').waitFor();
      await step(page, 'acct-desktop-03-suspended');
      await assert.rejects(gql(acct.url, me, {}, v.token), /UNAUTHENTICATED/, 'a suspended account’s session still works');
      await assert.rejects(gql(acct.url, 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }', { e: v.email, p: v.pw }), /FORBIDDEN/);

      await row.getByRole('button', { name: 'Reactivate' }).click();
      await row.locator('.badge', { hasText: 'Active' }).waitFor();
      const back = (await gql(acct.url, 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }', { e: v.email, p: v.pw })).login.token;
      assert.equal((await gql(acct.url, '{ me { coordinatedCentres { id } } }', {}, back)).me.coordinatedCentres.length, 1);

      await row.getByRole('button', { name: 'Revoke a role' }).click();
      await page.getByRole('dialog').locator('select').selectOption('COORDINATOR');
      await page.getByRole('dialog').getByRole('button', { name: 'Revoke', exact: true }).click();
      await row.locator('.badge', { hasText: 'Coordinator' }).waitFor({ state: 'detached' });
      await step(page, 'acct-desktop-04-revoked');
      assert.equal((await gql(acct.url, '{ me { coordinatedCentres { id } } }', {}, back)).me.coordinatedCentres.length, 0, 'the coordinator kept the centre');
      assertNoConsoleErrors(b);
    } finally {
      await b.close();
    }
  });
});

describe('every page in every language', { concurrency: 2 }, () => {
  // Every language on a phone, where words run out of room first; on a
  // desktop Russian, whose strings are the longest (the other suites' desktop
  // flows cover the desktop layout besides). Two at a time: a tour mostly
  // waits on one core's rendering, and the machine of CI has two.
  //
  // On the phone the volunteer and the coordinator are accounts whose data
  // holds the longest strings each language has (longwords.mjs: the longest
  // words of the app's own messages, names of people, a centre, a position
  // and a city at their fields' limits, places in every status, a long
  // cancellation reason, a year of attended and missed shifts), so that the
  // same tour checks that every page still fits them; the desktop tour keeps
  // the demo's accounts. (These were two tours of the same pages; one is
  // 2 minutes shorter.)
  let long;
  before(async () => {
    long = await seedLongData(server.url, demo.admin, password);
    console.log(`e2e: long words: ${JSON.stringify(long.strings.words)}`);
  });
  const longTour = () => [
    [long.volunteer, [`/shifts?date=${long.firstDay}`, '/my-shifts', '/my-hours', '/availability', '/notifications', '/profile', '/checkin',
      `/shifts/${long.upcoming[3]}`, `/shifts/${long.upcoming[1]}`]],
    [long.coordinator, ['/coordinate', '/coordinate/board', `/coordinate/shifts/${long.upcoming[1]}`, '/coordinate/new', '/coordinate/understaffed',
      `/coordinate/volunteers?q=${encodeURIComponent(long.strings.volunteer.slice(0, 12))}`, '/coordinate/kiosks']],
    [{ email: demo.staff, password }, ['/reports']],
    [{ email: demo.admin, password }, ['/admin', '/admin/audit']],
  ];
  for (const [viewport, langs] of [['phone', ['az', 'en', 'ru']], ['desktop', ['ru']]]) {
    for (const lang of langs) {
      it(`${viewport}, ${lang}`, async () => {
        const b = await openBrowser(viewport, { locale: 'az-AZ' });
        const { page } = b;
        // Every page is checked before the test fails, so that one run names them all.
        const misfit = [];
        try {
          await page.goto(`${server.url}/login`);
          await page.evaluate((l) => localStorage.setItem('konullu.lang', l), lang);
          await page.reload();
          await step(page, `tour-${viewport}-${lang}-login`, { misfit });
          await page.goto(`${server.url}/register`);
          await step(page, `tour-${viewport}-${lang}-register`, { misfit });
          const accounts = viewport === 'phone' ? longTour() : tour.map(([email, paths]) => [{ email, password }, paths]);
          for (const [who, paths] of accounts) {
            await login(page, who.email, { secret: who.password });
            for (const path of paths) {
              await page.goto(`${server.url}${path}`);
              assert.equal(await page.getAttribute('html', 'lang'), lang);
              const name = `tour-${viewport}-${lang}${path.replace(/[/?=&%]+/g, '-')}`;
              await step(page, name, { misfit });
              if (viewport === 'phone' && path === '/my-shifts') {
                // The past too: a place in each of the last twelve months, attended or not.
                await page.locator('#tab-past').click();
                await page.locator('.shift-card', { hasText: long.strings.position }).first().waitFor();
                await step(page, `${name}-past`, { misfit });
              }
            }
            await page.evaluate(() => localStorage.removeItem('konullu.token'));
          }
          assert.deepEqual(misfit, [], `pages that do not fit a ${viewport}`);
          assertNoConsoleErrors(b);
        } finally {
          await b.close();
        }
      });
    }
  }
});
