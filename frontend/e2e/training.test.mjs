// Training and qualifications end to end, on a server of its own without
// demo data: a coordinator creates a qualification and a course with two
// TRAINING sessions on the training page; a volunteer's attendance of both
// is recorded by the coordinator, who marks her passed (refused, naming the
// missed session, while one is missing); the qualification shows on her
// profile; the admin makes a position require it, and a volunteer without
// it is refused that position's shift with the qualification named in his
// language.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gql, openBrowser, startServer } from './harness.mjs';

const root = { email: 'root@training.test', password: 'root-password-123' };
const password = 'a-long-enough-password';
const H = 3600_000;

/** The date n days from now in Baku (UTC+4, no DST), as an input of type date takes it. */
const bakuDate = (n) => new Date(Date.now() + 4 * H + n * 24 * H).toISOString().slice(0, 10);

describe('training and qualifications', () => {
  let server;
  before(async () => {
    server = await startServer({ env: { KONULLU_DEMO: '0', KONULLU_ADMIN_EMAIL: root.email, KONULLU_ADMIN_PASSWORD: root.password } });
  });
  after(async () => {
    await server?.stop();
  });

  it('a two-session course grants a qualification a position then requires', async () => {
    const api = (q, v, token) => gql(server.url, q, v, token);
    const login = async (email, pw = password) => (await api('mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }', { e: email, p: pw })).login.token;
    const admin = await login(root.email, root.password);
    const centre = (await api('mutation($i: CentreInput!) { createCentre(input: $i) { id } }', { i: { name: 'Bakı 5 saylı ASAN xidmət', city: 'Bakı', timezone: 'Asia/Baku' } }, admin)).createCentre.id;
    const position = (await api('mutation($i: PositionInput!) { createPosition(input: $i) { id } }', { i: { name: 'First-aid post' } }, admin)).createPosition.id;
    const people = {};
    for (const [key, name] of [['coord', 'Nigar Koordinator'], ['aysel', 'Aysel Kursant'], ['rauf', 'Rauf Yeni']]) {
      const r = await api('mutation($in: RegisterInput!) { register(input: $in) { token user { id volunteer { id } } } }', {
        in: { email: `${key}@training.test`, password, fullName: name, birthDate: '2003-04-05' },
      });
      people[key] = { token: r.register.token, user: r.register.user.id, volunteer: r.register.user.volunteer.id };
    }
    await api('mutation($u: ID!, $c: [ID!]) { grantRole(userId: $u, role: COORDINATOR, centreIds: $c) { id } }', { u: people.coord.user, c: [centre] }, admin);
    const coord = await login('coord@training.test');
    // A service shift of the position, tomorrow.
    const tomorrow = Math.floor(Date.now() / H) * H + 24 * H;
    const service = (await api('mutation($i: CreateShiftsInput!) { createShifts(input: $i) { id } }', {
      i: { centreId: centre, positionId: position, startsAt: new Date(tomorrow).toISOString(), endsAt: new Date(tomorrow + 4 * H).toISOString(), capacity: 5, publish: true },
    }, coord)).createShifts[0].id;

    const b = await openBrowser('desktop', { locale: 'en-GB' });
    const { page } = b;
    const as = async (token, path, lang) => {
      await page.goto(`${server.url}/login`);
      await page.evaluate(([t, l]) => {
        localStorage.setItem('konullu.token', t);
        localStorage.setItem('konullu.lang', l);
      }, [token, lang]);
      await page.goto(`${server.url}${path}`);
    };
    try {
      // The coordinator creates the qualification, the course and its two sessions (past days: attendance is recorded after).
      await as(coord, '/programme/training', 'en');
      await page.getByLabel('Name', { exact: true }).fill('First aid');
      await page.getByLabel('Name in AZ').fill('İlk tibbi yardım');
      await page.getByLabel('Name in RU').fill('Первая помощь');
      await page.getByLabel('Valid for (months)').fill('24');
      await page.getByRole('button', { name: 'Create the qualification' }).click();
      await page.getByTestId('qualification-list').getByText('24 months').waitFor();
      await page.getByLabel('Course name').fill('First aid, winter');
      await page.getByLabel('Grants').selectOption({ label: 'First aid' });
      await page.getByRole('button', { name: 'Create the course' }).click();
      const course = page.getByRole('region', { name: /First aid, winter/ });
      for (const day of [-2, -1]) {
        await course.getByLabel('Date').fill(bakuDate(day));
        await course.getByRole('button', { name: 'Add a training session' }).click();
        await course.getByText('Session added and published.').waitFor();
      }
      await course.getByTestId('sessions').locator('li').nth(1).waitFor();

      // Aysel attended both sessions; the coordinator credits them one by one
      // (the sessions have ended: no one is assigned to them, the work is recorded).
      const sessions = (await api('{ courses { sessions { id startsAt endsAt kind } } }', {}, coord)).courses[0].sessions;
      assert.deepEqual(sessions.map((s) => s.kind), ['TRAINING', 'TRAINING']);
      const record = (i) =>
        api('mutation($s: ID!, $v: ID!, $i: DateTime!, $o: DateTime!) { recordPastWork(shiftId: $s, volunteerId: $v, checkedInAt: $i, checkedOutAt: $o) { id } }', {
          s: sessions[i].id, v: people.aysel.volunteer, i: sessions[i].startsAt, o: sessions[i].endsAt,
        }, coord);
      await record(0);
      await page.reload();
      const participants = page.getByRole('region', { name: /First aid, winter/ }).getByTestId('participants');
      await participants.getByRole('button', { name: 'Mark passed' }).click();
      await page.getByText('has not attended every session of the course: 1 session missed').waitFor();
      await record(1);
      await participants.getByRole('button', { name: 'Mark passed' }).click();
      await participants.getByText('Passed: the qualification is granted.').waitFor();

      // Her profile shows it, in Azerbaijani, with its expiry two years on.
      await as(people.aysel.token, '/profile', 'az');
      const held = page.getByTestId('qualifications');
      await held.getByText('İlk tibbi yardım').waitFor();
      assert.match(await held.innerText(), new RegExp(String(new Date().getFullYear() + 2)));

      // The admin makes the position require it.
      await as(admin, '/programme/training', 'en');
      const req = page.getByRole('group', { name: 'First-aid post' });
      await req.getByLabel('First aid').check();
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByText('Saved.').waitFor();

      // Rauf, reading Russian, is refused the shift with the qualification named; Aysel takes it.
      await as(people.rauf.token, `/shifts/${service}`, 'ru');
      await page.getByTestId('required-qualifications').getByText('Первая помощь').waitFor();
      await page.getByRole('button', { name: 'Записаться' }).click();
      await page.getByText('Для этой должности нужна квалификация, которой у вас нет: Первая помощь.').waitFor();
      const mine = await api('mutation($s: ID!) { signUp(shiftId: $s) { status } }', { s: service }, people.aysel.token);
      assert.equal(mine.signUp.status, 'CONFIRMED');
      assert.deepEqual(b.errors.filter((e) => !/status of 4\d\d/.test(e)), [], 'console errors');
    } finally {
      await b.close();
    }
  });
});
