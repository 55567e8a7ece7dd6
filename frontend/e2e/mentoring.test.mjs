// The youth programme's mentors, hour corrections and letters, end to end on
// a server of its own without demo data: a mentor sees their mentee's shifts
// and hours; the mentee disputes a no-show and the coordinator approves it
// (the hours change on the mentee's screen); the coordinator writes a letter,
// whose PDF's QR code, read from the modules drawn in it, opens /verify and says
// it is a genuine letter.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gql, openBrowser, qrOfPDF, startServer } from './harness.mjs';

const root = { email: 'root@mentoring.test', password: 'root-password-123' };
const password = 'a-long-enough-password';
const H = 3600_000;

describe('mentors, hour corrections and letters', () => {
  let server;
  before(async () => {
    server = await startServer({ env: { KONULLU_DEMO: '0', KONULLU_ADMIN_EMAIL: root.email, KONULLU_ADMIN_PASSWORD: root.password } });
  });
  after(async () => {
    await server?.stop();
  });

  it('a mentor follows their mentee, a no-show is corrected, a letter verifies', async () => {
    const api = (q, v, token) => gql(server.url, q, v, token);
    const login = async (email, pw = password) => (await api('mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }', { e: email, p: pw })).login.token;
    const admin = await login(root.email, root.password);
    const centre = (await api('mutation($i: CentreInput!) { createCentre(input: $i) { id } }', { i: { name: 'Bakı 3 saylı ASAN xidmət', city: 'Bakı', timezone: 'Asia/Baku' } }, admin)).createCentre.id;
    const position = (await api('mutation($i: PositionInput!) { createPosition(input: $i) { id } }', { i: { name: 'Qəbul bələdçisi' } }, admin)).createPosition.id;
    const people = {};
    for (const [key, name] of [['coord', 'Nigar Koordinator'], ['mentor', 'Rəşad Mentor'], ['mentee', 'Leyla Yeni']]) {
      const r = await api('mutation($in: RegisterInput!) { register(input: $in) { token user { id volunteer { id } } } }', {
        in: { email: `${key}@mentoring.test`, password, fullName: name, birthDate: '2003-04-05' },
      });
      people[key] = { token: r.register.token, user: r.register.user.id, volunteer: r.register.user.volunteer.id, name };
    }
    await api('mutation($u: ID!, $c: [ID!]) { grantRole(userId: $u, role: COORDINATOR, centreIds: $c) { id } }', { u: people.coord.user, c: [centre] }, admin);
    const coord = await login('coord@mentoring.test');
    // Past shifts recorded by the coordinator: the mentor served five (20 hours), the mentee missed one.
    const shiftAt = async (startsAt) =>
      (await api('mutation($i: CreateShiftsInput!) { createShifts(input: $i) { id } }', {
        i: { centreId: centre, positionId: position, startsAt: new Date(startsAt).toISOString(), endsAt: new Date(startsAt + 4 * H).toISOString(), capacity: 5, publish: true },
      }, coord)).createShifts[0].id;
    const hour = Math.floor(Date.now() / H) * H;
    for (let i = 1; i <= 5; i++) {
      const s = await shiftAt(hour - i * 24 * H);
      await api('mutation($s: ID!, $v: ID!, $i: DateTime!, $o: DateTime!) { recordPastWork(shiftId: $s, volunteerId: $v, checkedInAt: $i, checkedOutAt: $o) { id } }', {
        s, v: people.mentor.volunteer, i: new Date(hour - i * 24 * H).toISOString(), o: new Date(hour - i * 24 * H + 4 * H).toISOString(),
      }, coord);
    }
    const missed = await shiftAt(hour - 30 * H);
    // The shift has ended: its place is recorded afterwards, then corrected to a no-show.
    const noShow = (await api('mutation($s: ID!, $v: ID!, $i: DateTime!, $o: DateTime!) { recordPastWork(shiftId: $s, volunteerId: $v, checkedInAt: $i, checkedOutAt: $o) { id } }', {
      s: missed, v: people.mentee.volunteer, i: new Date(hour - 30 * H).toISOString(), o: new Date(hour - 26 * H).toISOString(),
    }, coord)).recordPastWork.id;
    await api('mutation($a: ID!) { markNoShow(assignmentId: $a, note: "not seen") { id } }', { a: noShow }, coord);
    await api('mutation($v: ID!, $m: ID!) { assignMentor(volunteerId: $v, mentorId: $m) { id } }', { v: people.mentee.volunteer, m: people.mentor.volunteer }, admin);

    const b = await openBrowser('desktop', { locale: 'en-GB' });
    const { page } = b;
    const as = async (token, path) => {
      await page.goto(`${server.url}/login`);
      await page.evaluate((t) => {
        localStorage.setItem('konullu.token', t);
        localStorage.setItem('konullu.lang', 'en');
      }, token);
      await page.goto(`${server.url}${path}`);
    };
    try {
      // The mentor sees the mentee's shift and hours.
      await as(people.mentor.token, '/programme');
      const mentee = page.getByTestId('mentee');
      await mentee.waitFor();
      assert.match(await mentee.innerText(), /Leyla Yeni/);
      assert.match(await mentee.getByTestId('mentee-shift').innerText(), /Bakı 3 saylı ASAN xidmət.*Qəbul bələdçisi.*No-show/s);
      assert.match(await page.getByTestId('programme-hours').innerText(), /20/);

      // The mentee disputes the no-show.
      await as(people.mentee.token, '/programme');
      assert.match(await page.getByTestId('programme-hours').innerText(), /^0/);
      const past = page.getByTestId('past-shift');
      await past.getByRole('button', { name: 'Request a correction' }).click();
      await past.getByLabel('What happened').fill('The kiosk was off; I was at the reception desk all morning.');
      await past.getByRole('button', { name: 'Send the correction' }).click();
      await past.getByText('Correction waiting').waitFor();

      // The coordinator approves it.
      await as(coord, '/coordinate/programme');
      const item = page.getByTestId('correction');
      await item.waitFor();
      assert.match(await item.innerText(), /Leyla Yeni/);
      await item.getByRole('button', { name: 'Approve' }).click();
      await page.getByText('Nothing to decide.').waitFor();

      // The hours change on the mentee's screen.
      await as(people.mentee.token, '/programme');
      await page.getByText('Correction approved').waitFor();
      assert.match(await page.getByTestId('programme-hours').innerText(), /^4/);

      // The coordinator writes a letter; its PDF's QR code opens the verification page.
      await as(coord, '/coordinate/programme');
      const card = page.getByRole('region', { name: 'Write a recommendation letter' });
      await card.getByLabel('Find the volunteer').fill('Leyla');
      await card.getByRole('button', { name: /Leyla Yeni/ }).click();
      await card.getByLabel('Language').selectOption('az');
      await card.getByLabel('Text of the letter').fill('Leyla proqramda məsuliyyətli və mehriban könüllü olub. Onu tövsiyə edirəm.');
      await card.getByRole('button', { name: 'Issue the letter' }).click();
      const letter = card.getByTestId('letter');
      await letter.waitFor();
      const [download] = await Promise.all([page.waitForEvent('download'), letter.getByRole('button', { name: /PDF/ }).click()]);
      const scanned = qrOfPDF(await download.path());
      assert.ok(scanned?.startsWith(`${server.url}/verify/`), `the QR code says ${scanned}`);
      await page.goto(`${scanned}?lang=en`);
      assert.equal(await page.locator('#status').getAttribute('data-status'), 'VALID');
      assert.equal(await page.locator('#kind').getAttribute('data-kind'), 'LETTER');
      assert.match(await page.locator('body').innerText(), /recommendation letter is genuine[\s\S]*Leyla Yeni[\s\S]*Nigar Koordinator/);

      // The mentee lists it too.
      await as(people.mentee.token, '/programme');
      await page.getByTestId('letter').waitFor();
      assert.deepEqual(b.errors, [], 'console errors');
    } finally {
      await b.close();
    }
  });
});
