// Issue 12, "Time" and the reader's language, as people meet them, on a
// server of its own without demo data:
//
// - a coordinator opens a shift that ended an hour ago: nobody can be
//   assigned to it any more (the API says SHIFT_ENDED, the page offers no
//   "find volunteers"), and the work done in it is credited from the shift's
//   page ("Credit past work": a name, the times), which completes the place;
// - the ended shift, with free places, is on no understaffed list and the
//   week calendar marks it ended, not short;
// - a volunteer whose shift the centre cancelled sees "cancelled by the
//   centre" in their history, not a withdrawal of theirs;
// - the volunteer switches the app to Russian, and the next notification
//   (another cancellation) is written in Russian.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { frontend, gql, misfits, openBrowser, startServer } from './harness.mjs';

const root = { email: 'root@time.test', password: 'root-password-123' };
const password = 'a-long-enough-password';
const M = 60_000;
const shotsDir = resolve(process.env.KONULLU_E2E_SCREENSHOTS ?? join(frontend, 'e2e-artifacts', 'screenshots'));

describe('time: ended shifts, cancelled by the centre, the reader’s language', () => {
  let server;
  const browsers = [];

  before(async () => {
    mkdirSync(shotsDir, { recursive: true });
    server = await startServer({ env: { KONULLU_DEMO: '0', KONULLU_JOBS: 'off', KONULLU_ADMIN_EMAIL: root.email, KONULLU_ADMIN_PASSWORD: root.password } });
  });
  after(async () => {
    await Promise.all(browsers.map((b) => b.close()));
    await server?.stop();
  });

  async function signIn(page, email) {
    await page.goto(`${server.url}/login`);
    await page.fill('input[type=email]', email);
    await page.fill('input[type=password]', password);
    await page.click('form button[type=submit]');
    await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  }

  it('credits past work on an ended shift, never lists it as understaffed, and speaks the reader’s language', async () => {
    const api = (q, v, token) => gql(server.url, q, v, token);
    const admin = (await api('mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }', { e: root.email, p: root.password })).login.token;
    const centreId = (await api('mutation($i: CentreInput!) { createCentre(input: $i) { id } }', { i: { name: 'Zaman Mərkəzi', city: 'Bakı', timezone: 'Asia/Baku' } }, admin)).createCentre.id;
    const positionId = (await api('mutation($i: PositionInput!) { createPosition(input: $i) { id } }', { i: { name: 'Door greeter' } }, admin)).createPosition.id;
    const tag = Date.now();
    const register = async (fullName) => {
      const email = `${fullName.split(' ')[0].toLowerCase()}.${tag}@time.test`;
      const r = (await api('mutation($i: RegisterInput!) { register(input: $i) { token user { id volunteer { id } } } }', { i: { email, password, fullName, birthDate: '2000-04-04', city: 'Bakı' } })).register;
      return { email, fullName, token: r.token, userId: r.user.id, volunteerId: r.user.volunteer.id };
    };
    const coordinator = await register('Rauf Koordinator');
    await api('mutation($u: ID!, $c: ID!) { grantRole(userId: $u, role: COORDINATOR, centreIds: [$c]) { id } }', { u: coordinator.userId, c: centreId }, admin);
    const worker = await register('Nərmin Keçmiş');
    const volunteer = await register('Aysel Ləğv');
    const newShift = async (startsIn, hours, capacity) => {
      const start = Math.floor((Date.now() + startsIn) / M) * M; // whole minutes, as the page's times are
      const i = { centreId, positionId, startsAt: new Date(start).toISOString(), endsAt: new Date(start + hours * 60 * M).toISOString(), capacity, publish: true };
      return (await api('mutation($i: CreateShiftsInput!) { createShifts(input: $i) { id startsAt } }', { i }, coordinator.token)).createShifts[0];
    };
    const ended = await newShift(-3 * 60 * M, 2, 3); // ended an hour ago, three places free
    const open = await newShift(24 * 60 * M, 3, 2); // tomorrow, two places free
    const third = await newShift(48 * 60 * M, 3, 2);
    await api('mutation($s: ID!) { signUp(shiftId: $s) { id } }', { s: open.id }, volunteer.token);
    await api('mutation($s: ID!) { signUp(shiftId: $s) { id } }', { s: third.id }, volunteer.token);

    // Nobody is assigned to the ended shift, whoever asks.
    const refused = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${coordinator.token}` },
      body: JSON.stringify({ query: 'mutation($s: ID!, $v: ID!) { assignVolunteer(shiftId: $s, volunteerId: $v) { id } }', variables: { s: ended.id, v: worker.volunteerId } }),
    }).then((r) => r.json());
    assert.equal(refused.errors?.[0]?.extensions?.code, 'SHIFT_ENDED', JSON.stringify(refused));

    // The coordinator, at a desk, in English.
    const desk = await openBrowser('desktop', { locale: 'en-GB' });
    browsers.push(desk);
    const page = desk.page;
    await signIn(page, coordinator.email);
    await page.goto(`${server.url}/coordinate/shifts/${ended.id}`);
    const card = page.locator('section', { has: page.getByRole('heading', { name: 'Credit past work' }) });
    await card.waitFor();
    assert.equal(await page.locator('#find-heading').count(), 0, 'an ended shift offers no one to assign');
    await card.getByLabel('Volunteer’s name').fill('Nərmin');
    await card.getByRole('button', { name: 'Nərmin Keçmiş' }).click();
    await card.getByRole('button', { name: 'Credit the work' }).click();
    await card.getByText(/^Nərmin Keçmiş: 2 .* credited\.$/).waitFor();
    await page.locator('.roster-row', { hasText: 'Nərmin Keçmiş' }).getByText('Completed').waitFor();
    await page.screenshot({ path: join(shotsDir, 'time-past-work.png') });
    assert.deepEqual((await misfits(page)).slice(0, 8), [], 'the shift page fits');
    const credited = await api('query($s: ID!) { shift(id: $s) { assignments { status creditedMinutes volunteer { fullName } } } }', { s: ended.id }, coordinator.token);
    assert.deepEqual(credited.shift.assignments, [{ status: 'COMPLETED', creditedMinutes: 120, volunteer: { fullName: 'Nərmin Keçmiş' } }]);

    // Understaffed: tomorrow's shift is listed, the ended one is not.
    await page.goto(`${server.url}/coordinate/understaffed`);
    await page.locator(`a[href="/coordinate/shifts/${open.id}"]`).waitFor();
    assert.equal(await page.locator(`a[href="/coordinate/shifts/${ended.id}"]`).count(), 0, 'an ended shift is not understaffed');
    // The week calendar: ended, not short.
    const week = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Baku' }).format(new Date(ended.startsAt));
    await page.goto(`${server.url}/coordinate?centre=${encodeURIComponent(centreId)}&week=${week}`);
    const cell = page.locator(`a[href="/coordinate/shifts/${ended.id}"]`);
    await cell.waitFor();
    assert.match(await cell.getAttribute('class'), /cal-shift-ended/);
    assert.equal(await cell.locator('.cal-shift-state').textContent(), 'Ended');

    // The centre cancels tomorrow's shift; the volunteer, on a phone in Azerbaijani.
    await api('mutation($s: ID!) { cancelShift(id: $s, reason: "Su kəsildi") { id } }', { s: open.id }, coordinator.token);
    const delivered = async (n) => {
      for (let i = 0; ; i++) {
        const d = await api('{ myNotifications(first: 5) { kind title } }', {}, volunteer.token);
        const list = d.myNotifications.filter((x) => x.kind === 'SHIFT_CANCELLED');
        if (list.length >= n) return list.map((x) => x.title);
        assert.ok(i < 100, `notification ${n} not delivered`);
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    assert.deepEqual(await delivered(1), ['Mərkəz növbəni ləğv etdi'], 'in Azerbaijani before the switch');
    const phone = await openBrowser('phone', { locale: 'az-AZ' });
    browsers.push(phone);
    const vp = phone.page;
    await signIn(vp, volunteer.email);
    await vp.goto(`${server.url}/my-shifts`);
    await vp.locator('#tab-past').click();
    await vp.getByText('Mərkəz ləğv edib').first().waitFor();
    assert.equal(await vp.getByText('İmtina edilib').count(), 0, 'the centre’s cancellation is not the volunteer’s withdrawal');
    await vp.screenshot({ path: join(shotsDir, 'time-cancelled-by-centre.png') });

    // Switching the app to Russian saves it; the next notification is Russian.
    await vp.locator('.lang-switch select').first().selectOption('ru');
    await vp.getByRole('heading', { name: 'Мои смены' }).waitFor();
    for (let i = 0; ; i++) {
      const s = await api('{ me { notificationSettings { language followsAppLanguage } } }', {}, volunteer.token);
      if (s.me.notificationSettings.language === 'RU') break;
      assert.ok(i < 50, `the app's language was not saved: ${JSON.stringify(s)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await api('mutation($s: ID!) { cancelShift(id: $s, reason: "Təmir") { id } }', { s: third.id }, coordinator.token);
    assert.deepEqual(await delivered(2), ['Центр отменил смену', 'Mərkəz növbəni ləğv etdi'], 'the notification after the switch is Russian');
    await vp.goto(`${server.url}/notifications`);
    await vp.locator('.notification-title', { hasText: 'Центр отменил смену' }).first().waitFor();
    await vp.screenshot({ path: join(shotsDir, 'time-notification-ru.png') });
    assert.deepEqual(desk.errors, []);
    assert.deepEqual(phone.errors, []);
  });
});
