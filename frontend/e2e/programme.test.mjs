// The youth programme's intake, end to end, on a server of its own without
// demo data whose email goes to an SMTP server this test runs: a
// 17-year-old applies in Azerbaijani on a phone, staff invite her to an
// interview and accept her on a desktop, and the set-password link of the
// acceptance email opens her account with the application as her profile.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SMTPServer } from 'smtp-server';
import { freePort, gql, openBrowser, screenshotDir, shot, startServer } from './harness.mjs';

describe('youth programme', () => {
  let server;
  let mailServer;
  let shots;
  const inbox = [];
  const root = { email: 'root@konullu.test', password: 'root-password-123' };
  const staff = { email: 'staff@konullu.test', password: 'staff-password-123' };

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

  it('a 17-year-old applies in Azerbaijani, is interviewed and accepted, and signs in to a filled profile', async () => {
    // Setup through the API: a centre, a staff account, an open cohort.
    const admin = (await gql(server.url, 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }', { e: root.email, p: root.password })).login.token;
    const centre = (
      await gql(server.url, 'mutation($i: CentreInput!) { createCentre(input: $i) { id } }', { i: { name: 'Bakı 5 saylı ASAN xidmət', city: 'Bakı', timezone: 'Asia/Baku' } }, admin)
    ).createCentre.id;
    const reg = await gql(server.url, 'mutation($in: RegisterInput!) { register(input: $in) { user { id } } }', {
      in: { email: staff.email, password: staff.password, fullName: 'Samir Staff', birthDate: '1990-01-01' },
    });
    await gql(server.url, 'mutation($u: ID!) { grantRole(userId: $u, role: STAFF) { id } }', { u: reg.register.user.id }, admin);
    const staffToken = (await gql(server.url, 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }', { e: staff.email, p: staff.password })).login.token;
    const now = Date.now();
    await gql(
      server.url,
      'mutation($i: CohortInput!) { createCohort(input: $i) { id } }',
      { i: { name: 'Qış 2027', opensAt: new Date(now - 86_400_000).toISOString(), closesAt: new Date(now + 30 * 86_400_000).toISOString(), places: 20, centreIds: [centre] } },
      staffToken,
    );

    const birth = new Date();
    birth.setUTCFullYear(birth.getUTCFullYear() - 17);
    birth.setUTCDate(birth.getUTCDate() - 20);
    const birthDate = birth.toISOString().slice(0, 10);
    const applicant = { email: `leyla.${now}@example.az`, name: 'Leyla Məmmədli', phone: '+994 50 777 66 55' };

    // The applicant, on a phone, switches the form to Azerbaijani.
    const phone = await openBrowser('phone', { locale: 'en-GB' });
    try {
      const page = phone.page;
      await page.goto(`${server.url}/login`);
      await page.getByRole('link', { name: 'Apply to the youth programme' }).click();
      await page.waitForURL('**/apply');
      await page.locator('.lang-switch select').selectOption('az');
      await page.getByRole('heading', { name: 'Gənclər proqramına müraciət' }).waitFor();
      await page.fill('#apply-fullName', applicant.name);
      await page.fill('#apply-email', applicant.email);
      await page.fill('#apply-phone', applicant.phone);
      await page.fill('#apply-birthDate', birthDate);
      // Under 18: the guardian's fields appear.
      await page.fill('#apply-guardianName', 'Sevda Məmmədli');
      await page.fill('#apply-guardianContact', '+994 55 123 45 67');
      await page.fill('#apply-lang-0', 'Azərbaycan dili');
      await page.selectOption('#apply-level-0', 'NATIVE');
      await page.getByRole('button', { name: 'Vaxt əlavə edin' }).click();
      await page.fill('#apply-motivation', 'İnsanlara kömək etmək və təcrübə qazanmaq istəyirəm.');
      await shot(page, shots, 'programme-phone-01-apply');
      await page.click('form button[type=submit]');
      await page.getByRole('status').filter({ hasText: 'Təşəkkür edirik' }).waitFor();
      await shot(page, shots, 'programme-phone-02-sent');
      await mailTo(applicant.email, (d) => d.includes('Content-Language: az'));

      // Staff, on a desktop in English: the board, the interview, the acceptance.
      const desk = await openBrowser('desktop', { locale: 'en-GB' });
      try {
        const p = desk.page;
        await p.goto(`${server.url}/login`);
        await p.fill('input[type=email]', staff.email);
        await p.fill('input[type=password]', staff.password);
        await p.click('form button[type=submit]');
        await p.waitForURL((u) => !u.pathname.startsWith('/login'));
        await p.getByRole('link', { name: 'Applications' }).first().click();
        await p.waitForURL('**/programme/applications');
        await p.fill('#board-search', 'MƏMMƏD');
        await p.locator('#board-search').blur();
        await p.getByText('1 application').waitFor();
        await p.getByRole('button', { name: applicant.name }).click();
        const dialog = p.getByRole('dialog');
        await dialog.getByText(applicant.email).waitFor();
        const tomorrow = new Date(now + 86_400_000).toISOString().slice(0, 10);
        await dialog.locator('#interview-date').fill(tomorrow);
        await dialog.locator('#interview-place').fill('Bakı 5, 2-ci mərtəbə');
        await dialog.getByRole('button', { name: 'Invite' }).click();
        await dialog.getByText('Interview:').waitFor();
        const interview = await mailTo(applicant.email, (d) => d.includes('2-ci m'));
        assert.match(interview, /Content-Language: az/);
        await dialog.locator('#decide-consent').check();
        await shot(p, shots, 'programme-desktop-01-decide');
        await dialog.getByRole('button', { name: 'Save the decision' }).click();
        await dialog.getByText('Saved; the applicant has been emailed.').waitFor();
        assert.deepEqual(desk.errors, []);
      } finally {
        await desk.close();
      }

      // The acceptance email's link sets her password and signs her in.
      const accepted = await mailTo(applicant.email, (d) => /reset-password#token=/.test(d));
      assert.match(accepted, /Content-Language: az/);
      const link = accepted.match(/https?:\/\/[^\s"<>]+\/reset-password#token=[A-Za-z0-9_-]{43}/)[0];
      await page.goto(link);
      await page.locator('input[autocomplete=new-password]').fill('leylanin-sifresi-1');
      await page.click('form button[type=submit]');
      await page.waitForURL((u) => !u.pathname.startsWith('/reset-password'));
      await page.goto(`${server.url}/profile`);
      await page.locator(`input[value="${applicant.name}"]`).waitFor();
      await page.locator(`input[value="${applicant.phone}"]`).waitFor();
      await shot(page, shots, 'programme-phone-03-profile');
      assert.deepEqual(phone.errors, []);
    } finally {
      await phone.close();
    }
  });

  it('staff see the applicant in the programme funnel on the dashboard and download it', async () => {
    const desk = await openBrowser('desktop', { locale: 'en-GB' });
    try {
      const p = desk.page;
      await p.goto(`${server.url}/login`);
      await p.fill('input[type=email]', staff.email);
      await p.fill('input[type=password]', staff.password);
      await p.click('form button[type=submit]');
      await p.waitForURL((u) => !u.pathname.startsWith('/login'));
      await p.goto(`${server.url}/reports`);
      const card = p.locator('.funnel');
      await card.getByRole('heading', { name: 'Youth programme' }).waitFor();
      await card.getByLabel('Cohort').selectOption({ label: 'Qış 2027' });
      // The applicant of the first test: applied, interviewed, accepted; no training or shift yet.
      const row = card.locator('[data-testid=funnel-table] tbody tr').filter({ hasText: 'Qış 2027' });
      await row.waitFor();
      const cells = (await row.locator('td').allInnerTexts()).map((x) => parseInt(x, 10));
      assert.deepEqual(cells, [1, 1, 1, 0, 0, 0]);
      await card.locator('.chart canvas').first().waitFor();
      await shot(p, shots, 'programme-desktop-02-funnel');
      // The CSV downloads with the bearer token, in the page's language, for the chosen cohort.
      const [download] = await Promise.all([p.waitForEvent('download'), card.getByRole('button', { name: 'Programme funnel · CSV' }).click()]);
      assert.match(download.suggestedFilename(), /^programme-funnel_\d{8}_\d{8}\.csv$/);
      const csv = readFileSync(await download.path(), 'utf8').replace(/^\uFEFF/, '').split('\r\n');
      assert.match(csv[0], /^Section,Cohort,Name,Applied,Interviewed,Accepted,Trained,First shift,Active after 90 days,/);
      assert.match(csv[1], /^Funnel,Qış 2027,,1,1,1,0,0,0,0,/);
      // In Azerbaijani, the same card.
      await p.locator('.lang-switch select').selectOption('az');
      await card.getByRole('heading', { name: 'Gənclər proqramı' }).waitFor();
      await card.getByRole('columnheader', { name: 'İlk növbə' }).waitFor();
      assert.deepEqual(desk.errors, []);
    } finally {
      await desk.close();
    }
  });
});
