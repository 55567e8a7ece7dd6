// Issue 15's "done when", walked through once as a new user would, on one
// server without demo data whose email goes to an SMTP server this test
// runs: a 17-year-old applies in Azerbaijani on a phone; staff interview and
// accept her; the acceptance email's link sets her password; she attends a
// two-session course and the coordinator marks her passed; she is refused a
// position needing a qualification she lacks (named in Azerbaijani); staff
// choose her mentor, who books her first shift together with his from the
// shift's page; the staff funnel counts her at each step; the letter the
// coordinator writes lists her qualification and its QR code, read from
// the PDF, verifies.
//
// What the applicant, the volunteer, staff and the coordinator do on a
// screen is done in the browser. The API (with the acting person's token)
// is used for the setup (centre, positions, accounts, cohort, the mentor's
// past hours) and for the steps that have no screen yet, each marked so.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SMTPServer } from 'smtp-server';
import { freePort, gql, openBrowser, qrOfPDF, screenshotDir, shot, startServer } from './harness.mjs';

const root = { email: 'root@youth.test', password: 'root-password-123' };
const password = 'a-long-enough-password';
const H = 3600_000;

/** The date n days from now in Baku (UTC+4, no DST), as an input of type date takes it. */
const bakuDate = (n) => new Date(Date.now() + 4 * H + n * 24 * H).toISOString().slice(0, 10);

describe('the youth programme, walked through', () => {
  let server;
  let mailServer;
  let shots;
  const inbox = [];

  before(async () => {
    shots = screenshotDir();
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
    server = await startServer({
      env: { KONULLU_DEMO: '0', KONULLU_SMTP_URL: `smtp://127.0.0.1:${port}?tls=none`, KONULLU_ADMIN_EMAIL: root.email, KONULLU_ADMIN_PASSWORD: root.password },
    });
  });

  after(async () => {
    await server?.stop();
    await new Promise((ok) => (mailServer ? mailServer.close(ok) : ok()));
  });

  /** The newest email to the address that matches, quoted-printable undone. */
  async function mailTo(email, match) {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const mail = inbox.filter((m) => m.to.includes(email) && match(m.data.replaceAll('=\r\n', '').replaceAll('=3D', '='))).at(-1);
      if (mail) return mail.data.replaceAll('=\r\n', '').replaceAll('=3D', '=');
      assert.ok(Date.now() < deadline, `no such email reached ${email}: ${inbox.filter((m) => m.to.includes(email)).length} others did`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  it('a 17-year-old applies, is interviewed, accepted, trained, refused, serves with her mentor, is counted and gets a letter that verifies', async () => {
    const api = (q, v, token) => gql(server.url, q, v, token);
    const login = async (email, pw = password) => (await api('mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }', { e: email, p: pw })).login.token;
    const admin = await login(root.email, root.password);

    // Setup: a centre, two positions, staff, a coordinator, a mentor with 20 hours, an open cohort.
    const centre = (await api('mutation($i: CentreInput!) { createCentre(input: $i) { id } }', { i: { name: 'Bakı 1 saylı ASAN xidmət', city: 'Bakı', timezone: 'Asia/Baku' } }, admin)).createCentre.id;
    const reception = (await api('mutation($i: PositionInput!) { createPosition(input: $i) { id } }', { i: { name: 'Qəbul bələdçisi' } }, admin)).createPosition.id;
    const firstAidPost = (await api('mutation($i: PositionInput!) { createPosition(input: $i) { id } }', { i: { name: 'Tibb məntəqəsi' } }, admin)).createPosition.id;
    const people = {};
    for (const [key, name] of [['staff', 'Samir Staff'], ['coord', 'Nigar Koordinator'], ['mentor', 'Rəşad Mentor']]) {
      const r = await api('mutation($in: RegisterInput!) { register(input: $in) { token user { id volunteer { id } } } }', {
        in: { email: `${key}@youth.test`, password, fullName: name, birthDate: '1998-04-05' },
      });
      people[key] = { token: r.register.token, user: r.register.user.id, volunteer: r.register.user.volunteer.id, name };
    }
    await api('mutation($u: ID!) { grantRole(userId: $u, role: STAFF) { id } }', { u: people.staff.user }, admin);
    await api('mutation($u: ID!, $c: [ID!]) { grantRole(userId: $u, role: COORDINATOR, centreIds: $c) { id } }', { u: people.coord.user, c: [centre] }, admin);
    const staff = await login('staff@youth.test');
    const coord = await login('coord@youth.test');
    // The first-aid qualification she will not hold, required by the first-aid post.
    const firstAid = (await api('mutation { createQualification(name: "First aid", names: { az: "İlk tibbi yardım", ru: "Первая помощь" }) { id } }', {}, admin)).createQualification.id;
    await api('mutation($p: ID!, $q: [ID!]!) { setPositionQualifications(positionId: $p, qualificationIds: $q) { id } }', { p: firstAidPost, q: [firstAid] }, admin);
    const shiftAt = async (startsAt, positionId, hours = 4) =>
      (await api('mutation($i: CreateShiftsInput!) { createShifts(input: $i) { id } }', {
        i: { centreId: centre, positionId, startsAt: new Date(startsAt).toISOString(), endsAt: new Date(startsAt + hours * H).toISOString(), capacity: 5, publish: true },
      }, coord)).createShifts[0].id;
    // Work in ended shifts is credited afterwards (no one is assigned to a shift that has ended).
    const record = (s, v, i, o) =>
      api('mutation($s: ID!, $v: ID!, $i: DateTime!, $o: DateTime!) { recordPastWork(shiftId: $s, volunteerId: $v, checkedInAt: $i, checkedOutAt: $o) { id } }', { s, v, i: new Date(i).toISOString(), o: new Date(o).toISOString() }, coord);
    // The mentor's past: five four-hour shifts (a mentor needs 20 hours).
    const hour = Math.floor(Date.now() / H) * H;
    for (let i = 3; i <= 7; i++) {
      const s = await shiftAt(hour - i * 24 * H, reception);
      await record(s, people.mentor.volunteer, hour - i * 24 * H, hour - i * 24 * H + 4 * H);
    }
    const now = Date.now();
    await api(
      'mutation($i: CohortInput!) { createCohort(input: $i) { id } }',
      { i: { name: 'Yaz 2027', opensAt: new Date(now - 86_400_000).toISOString(), closesAt: new Date(now + 30 * 86_400_000).toISOString(), places: 20, centreIds: [centre] } },
      staff,
    );

    const birth = new Date();
    birth.setUTCFullYear(birth.getUTCFullYear() - 17);
    birth.setUTCDate(birth.getUTCDate() - 20);
    const applicant = { email: `aytac.${now}@example.az`, name: 'Aytac Həsənova', phone: '+994 50 444 33 22', password: 'aytacin-sifresi-1' };

    const phone = await openBrowser('phone', { locale: 'en-GB' });
    const desk = await openBrowser('desktop', { locale: 'en-GB' });
    const p = desk.page;
    /** The desktop signed in with a token, in a language, at a path. */
    const as = async (token, path, lang = 'en') => {
      await p.goto(`${server.url}/login`);
      await p.evaluate(([t, l]) => {
        localStorage.setItem('konullu.token', t);
        localStorage.setItem('konullu.lang', l);
      }, [token, lang]);
      await p.goto(`${server.url}${path}`);
    };
    try {
      // 1. She applies in Azerbaijani on her phone; as a minor she names her guardian.
      const page = phone.page;
      await page.goto(`${server.url}/login`);
      await page.getByRole('link', { name: 'Apply to the youth programme' }).click();
      await page.waitForURL('**/apply');
      await page.locator('.lang-switch select').selectOption('az');
      await page.getByRole('heading', { name: 'Gənclər proqramına müraciət' }).waitFor();
      await page.fill('#apply-fullName', applicant.name);
      await page.fill('#apply-email', applicant.email);
      await page.fill('#apply-phone', applicant.phone);
      await page.fill('#apply-birthDate', birth.toISOString().slice(0, 10));
      await page.fill('#apply-guardianName', 'Günel Həsənova');
      await page.fill('#apply-guardianContact', '+994 55 765 43 21');
      await page.fill('#apply-lang-0', 'Azərbaycan dili');
      await page.selectOption('#apply-level-0', 'NATIVE');
      await page.getByRole('button', { name: 'Vaxt əlavə edin' }).click();
      await page.fill('#apply-motivation', 'Xalqa xidmət etmək və ASAN məktəbində öyrənmək istəyirəm.');
      await page.click('form button[type=submit]');
      await page.getByRole('status').filter({ hasText: 'Təşəkkür edirik' }).waitFor();
      await shot(page, shots, 'youth-01-applied');

      // 2. Staff invite her to an interview and accept her on the applications board.
      await as(staff, '/programme/applications');
      await p.fill('#board-search', 'Həsənova');
      await p.locator('#board-search').blur();
      await p.getByText('1 application').waitFor();
      await p.getByRole('button', { name: applicant.name }).click();
      const dialog = p.getByRole('dialog');
      await dialog.locator('#interview-date').fill(bakuDate(1));
      await dialog.locator('#interview-place').fill('Bakı 1, 3-cü mərtəbə');
      await dialog.getByRole('button', { name: 'Invite' }).click();
      await dialog.getByText('Interview:').waitFor();
      assert.match(await mailTo(applicant.email, (d) => d.includes('3-c')), /Content-Language: az/);
      await dialog.locator('#decide-consent').check();
      await dialog.getByRole('button', { name: 'Save the decision' }).click();
      await dialog.getByText('Saved; the applicant has been emailed.').waitFor();

      // 3. The acceptance email's link sets her password and signs her in.
      const accepted = await mailTo(applicant.email, (d) => /reset-password#token=/.test(d));
      const link = accepted.match(/https?:\/\/[^\s"<>]+\/reset-password#token=[A-Za-z0-9_-]{43}/)[0];
      await page.goto(link);
      await page.locator('input[autocomplete=new-password]').fill(applicant.password);
      await page.click('form button[type=submit]');
      await page.waitForURL((u) => !u.pathname.startsWith('/reset-password'));
      const aytac = await login(applicant.email, applicant.password);
      const volunteer = (await api('{ me { volunteer { id } } }', {}, aytac)).me.volunteer.id;

      // 4. The coordinator creates the ASAN School course with two sessions (past days) on the training page.
      await as(coord, '/programme/training');
      await p.getByLabel('Name', { exact: true }).fill('ASAN School basic course');
      await p.getByLabel('Name in AZ').fill('ASAN məktəbi əsas kursu');
      await p.getByLabel('Name in RU').fill('Базовый курс школы ASAN');
      await p.getByRole('button', { name: 'Create the qualification' }).click();
      await p.getByTestId('qualification-list').getByText('ASAN School basic course').waitFor();
      await p.getByLabel('Course name').fill('ASAN School, summer');
      await p.getByLabel('Grants').selectOption({ label: 'ASAN School basic course' });
      await p.getByRole('button', { name: 'Create the course' }).click();
      const course = p.getByRole('region', { name: /ASAN School, summer/ });
      for (const day of [-2, -1]) {
        await course.getByLabel('Date').fill(bakuDate(day));
        await course.getByRole('button', { name: 'Add a training session' }).click();
        await course.getByText('Session added and published.').waitFor();
      }
      await course.getByTestId('sessions').locator('li').nth(1).waitFor();
      // She attended both. No screen records a past session's attendance from the
      // training page: the coordinator's API (recordPastWork).
      const sessions = (await api('{ courses { sessions { id startsAt endsAt kind } } }', {}, coord)).courses[0].sessions;
      assert.deepEqual(sessions.map((s) => s.kind), ['TRAINING', 'TRAINING']);
      for (const s of sessions) await record(s.id, volunteer, Date.parse(s.startsAt), Date.parse(s.endsAt));
      await p.reload();
      const participants = p.getByRole('region', { name: /ASAN School, summer/ }).getByTestId('participants');
      await participants.getByRole('button', { name: 'Mark passed' }).click();
      await participants.getByText('Passed: the qualification is granted.').waitFor();

      // Her profile shows the qualification, in Azerbaijani.
      await page.goto(`${server.url}/profile`);
      await page.getByTestId('qualifications').getByText('ASAN məktəbi əsas kursu').waitFor();

      // 5. She is refused the first-aid post's shift, the missing qualification named in Azerbaijani.
      const firstAidShift = await shiftAt(hour + 48 * H, firstAidPost);
      await page.goto(`${server.url}/shifts/${firstAidShift}`);
      await page.getByTestId('required-qualifications').getByText('İlk tibbi yardım').waitFor();
      await page.getByRole('button', { name: 'Yazıl', exact: true }).click();
      await page.getByText('Bu vəzifə sizdə olmayan ixtisas tələb edir: İlk tibbi yardım.').waitFor();
      await shot(page, shots, 'youth-02-refused');

      // 6. Staff choose her mentor (she has no service shift yet, so no
      // coordinator is tied to her); the mentor books her first shift, in
      // twenty minutes, together with his own from the shift's page.
      await as(staff, '/coordinate/programme');
      const mentorCard = p.getByRole('region', { name: 'Choose a mentor' });
      await mentorCard.getByLabel('Find the volunteer').fill('Aytac');
      await mentorCard.getByRole('button', { name: /Aytac Həsənova/ }).click();
      await mentorCard.getByLabel('Find the mentor').fill('Rəşad');
      await mentorCard.getByRole('button', { name: /Rəşad Mentor/ }).click();
      await mentorCard.getByRole('button', { name: 'Make them the mentor' }).click();
      await mentorCard.getByText('Mentor chosen').waitFor();
      const first = await shiftAt(Math.ceil((Date.now() + 20 * 60_000) / 60_000) * 60_000, reception, 4);
      await as(people.mentor.token, `/shifts/${first}`);
      const together = p.getByTestId('book-together');
      await together.getByLabel('Mentee').selectOption({ label: applicant.name });
      await together.getByRole('button', { name: 'Sign up together' }).click();
      await together.getByText('You both have a place').waitFor();
      const places = (await api('query($s: ID!) { shift(id: $s) { assignments { status volunteer { id } } } }', { s: first }, coord)).shift.assignments;
      assert.deepEqual(places.map((a) => [a.volunteer.id, a.status]).sort(), [[people.mentor.volunteer, 'CONFIRMED'], [volunteer, 'CONFIRMED']].sort());
      // She finds it among her shifts and checks in when she arrives (check-in opens 30 minutes before).
      await page.goto(`${server.url}/my-shifts`);
      await page.getByRole('button', { name: 'Gəlişi qeyd et' }).click();
      await page.getByText('Gəlib').first().waitFor();
      await shot(page, shots, 'youth-03-first-shift');

      // 7. The staff funnel: applied, interviewed, accepted, trained, first shift — one each.
      await as(staff, '/reports');
      const card = p.locator('.funnel');
      await card.getByRole('heading', { name: 'Youth programme' }).waitFor();
      await card.getByLabel('Cohort').selectOption({ label: 'Yaz 2027' });
      const row = card.locator('[data-testid=funnel-table] tbody tr').filter({ hasText: 'Yaz 2027' });
      await row.waitFor();
      const cells = (await row.locator('td').allInnerTexts()).map((x) => parseInt(x, 10));
      assert.deepEqual(cells, [1, 1, 1, 1, 1, 0], 'applied, interviewed, accepted, trained, first shift, active after 90 days');
      await shot(p, shots, 'youth-04-funnel');

      // 8. The coordinator writes her a letter; it lists the qualification, and its PDF's QR code verifies.
      await as(coord, '/coordinate/programme');
      const letterCard = p.getByRole('region', { name: 'Write a recommendation letter' });
      await letterCard.getByLabel('Find the volunteer').fill('Aytac');
      await letterCard.getByRole('button', { name: /Aytac Həsənova/ }).click();
      await letterCard.getByLabel('Language').selectOption('az');
      await letterCard.getByLabel('Text of the letter').fill('Aytac ASAN məktəbini bitirib və ilk növbəsində məsuliyyətli olub. Onu tövsiyə edirəm.');
      await letterCard.getByRole('button', { name: 'Issue the letter' }).click();
      const letter = letterCard.getByTestId('letter');
      await letter.waitFor();
      const [download] = await Promise.all([p.waitForEvent('download'), letter.getByRole('button', { name: /PDF/ }).click()]);
      const scanned = qrOfPDF(await download.path());
      assert.ok(scanned?.startsWith(`${server.url}/verify/`), `the QR code says ${scanned}`);
      const letters = (await api('{ me { volunteer { letters { code qualifications } } } }', {}, aytac)).me.volunteer.letters;
      assert.equal(letters.length, 1);
      assert.ok(scanned.endsWith(letters[0].code), `the QR code ${scanned} is not the letter ${letters[0].code}`);
      assert.deepEqual(letters[0].qualifications, ['ASAN məktəbi əsas kursu']);
      await page.goto(scanned);
      assert.equal(await page.locator('#status').getAttribute('data-status'), 'VALID');
      assert.equal(await page.locator('#kind').getAttribute('data-kind'), 'LETTER');
      assert.match(await page.locator('body').innerText(), /Aytac Həsənova/);
      await shot(page, shots, 'youth-05-verified');

      assert.deepEqual(phone.errors.filter((e) => !/status of 4\d\d/.test(e)), [], 'console errors on the phone');
      assert.deepEqual(desk.errors, [], 'console errors on the desktop');
    } finally {
      await phone.close();
      await desk.close();
    }
  });
});
