// Issue 12, items 2 and 3, as people would meet them, on one server without
// demo data: a coordinator assigns a volunteer found by name in under five
// clicks from the shift's page and sees, in words, why another one cannot
// take the shift (a clash, with the shift it clashes with); a 17-year-old
// registers in Azerbaijani, is told that a guardian's consent is needed and
// how it is given (at registration and on her profile), is refused a signup
// with that reason in Azerbaijani, and is notified once the coordinator has
// recorded it; a shift that clashes with a place held offers no signup button.
//
// The API is used for the setup (centre, position, shifts, accounts, a place
// held) and for the coordinator's recording of the consent (its screen has
// its own test in app.test.mjs).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gql, openBrowser, screenshotDir, shot, startServer } from './harness.mjs';

const root = { email: 'root@assign.test', password: 'root-password-123' };
const password = 'a-long-enough-password';
const H = 3600_000;

describe('assign by name, and what stands in the way', () => {
  let server;
  before(async () => {
    server = await startServer({ env: { KONULLU_DEMO: '0', KONULLU_ADMIN_EMAIL: root.email, KONULLU_ADMIN_PASSWORD: root.password } });
  });
  after(async () => server?.stop());

  it('a named volunteer assigned in under five clicks, a clash said in words, a minor told about consent and notified', async () => {
    const api = (q, v, token) => gql(server.url, q, v, token);
    const login = async (email, pw = password) => (await api('mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }', { e: email, p: pw })).login.token;
    const admin = await login(root.email, root.password);
    const centre = (await api('mutation($i: CentreInput!) { createCentre(input: $i) { id } }', { i: { name: 'Bakı 1 saylı ASAN xidmət', city: 'Bakı', timezone: 'Asia/Baku' } }, admin)).createCentre.id;
    const reception = (await api('mutation($i: PositionInput!) { createPosition(input: $i) { id } }', { i: { name: 'Qəbul bələdçisi' } }, admin)).createPosition.id;
    const people = {};
    for (const [key, name] of [['coord', 'Kamal Koordinator'], ['rauf', 'Rauf Hazırov'], ['leyla', 'Leyla Məşğul']]) {
      const r = await api('mutation($in: RegisterInput!) { register(input: $in) { token user { id volunteer { id } } } }', {
        in: { email: `${key}@assign.test`, password, fullName: name, birthDate: '1999-04-05', phone: key === 'rauf' ? '+994 50 765 43 21' : undefined },
      });
      people[key] = { token: r.register.token, user: r.register.user.id, volunteer: r.register.user.volunteer.id };
    }
    await api('mutation($u: ID!, $c: [ID!]) { grantRole(userId: $u, role: COORDINATOR, centreIds: $c) { id } }', { u: people.coord.user, c: [centre] }, admin);
    const coord = await login('coord@assign.test');
    // Tomorrow 10:00–14:00 in Baku, and 12:00–16:00 the same day (they overlap).
    const day = Math.floor((Date.now() + 4 * H) / (24 * H)) * 24 * H - 4 * H + 24 * H;
    const shiftAt = async (start, hours = 4) =>
      (await api('mutation($i: CreateShiftsInput!) { createShifts(input: $i) { id } }', {
        i: { centreId: centre, positionId: reception, startsAt: new Date(start).toISOString(), endsAt: new Date(start + hours * H).toISOString(), capacity: 3, publish: true },
      }, coord)).createShifts[0].id;
    const morning = await shiftAt(day + 10 * H);
    const noon = await shiftAt(day + 12 * H);
    await api('mutation($s: ID!) { signUp(shiftId: $s) { id } }', { s: noon }, people.leyla.token);

    const shots = screenshotDir();
    const b = await openBrowser('desktop');
    const page = b.page;
    const as = async (token, path, lang) => {
      await page.goto(`${server.url}/login`);
      await page.evaluate(([t, l]) => {
        if (t) localStorage.setItem('konullu.token', t);
        else localStorage.removeItem('konullu.token');
        localStorage.setItem('konullu.lang', l);
      }, [token, lang]);
      await page.goto(`${server.url}${path}`);
    };
    let clicks = 0;
    const click = async (locator) => {
      clicks++;
      await locator.click();
    };
    try {
      // 1. The coordinator, on the shift's page, finds Rauf by name and assigns him.
      await as(coord, `/coordinate/shifts/${morning}`, 'az');
      const card = page.getByRole('region', { name: 'Adla təyin et' });
      await click(card.getByLabel('Ad, e-poçt və ya telefon'));
      await page.keyboard.type('Rauf');
      await page.keyboard.press('Enter');
      const rauf = card.locator('li.candidate', { hasText: 'Rauf Hazırov' });
      await rauf.getByText('Bu növbəni götürə bilər').waitFor();
      await click(rauf.getByRole('button', { name: 'Rauf Hazırov təyin et' }));
      await card.getByText('Rauf Hazırov təyin olundu.').waitFor();
      await page.locator('.roster .roster-name', { hasText: 'Rauf Hazırov' }).waitFor();
      assert.ok(clicks < 5, `${clicks} clicks`);

      // 2. Leyla, found by her whole email, holds the noon shift: the clash in words, no button.
      await card.getByLabel('Ad, e-poçt və ya telefon').fill('leyla@assign.test');
      await page.keyboard.press('Enter');
      const leyla = card.locator('li.candidate', { hasText: 'Leyla Məşğul' });
      await leyla.locator('[data-obstacle=OVERLAPPING_SHIFT]', { hasText: /^Başqa növbə ilə üst-üstə düşür: Qəbul bələdçisi, Bakı 1 saylı ASAN xidmət, .*12:00–16:00\.$/ }).waitFor();
      assert.equal(await leyla.getByRole('button').count(), 0, 'no assign button for a clash');
      await shot(page, shots, 'assign-01-candidates');

      // 3. Leyla herself: the morning shift offers no signup button, and says why.
      await as(people.leyla.token, `/shifts/${morning}`, 'az');
      await page.locator('[data-obstacle=OVERLAPPING_SHIFT]', { hasText: 'Başqa növbə ilə üst-üstə düşür' }).waitFor();
      assert.equal(await page.getByRole('button', { name: /^(Yazıl|Gözləmə siyahısına yazıl)$/ }).count(), 0, 'no signup button on a clash');

      // 4. A 17-year-old registers on a phone, in Azerbaijani.
      const phone = await openBrowser('phone');
      const p = phone.page;
      try {
        await p.goto(`${server.url}/login`);
        await p.evaluate(() => localStorage.setItem('konullu.lang', 'az'));
        await p.goto(`${server.url}/register`);
        const birth = new Date(Date.now() + 4 * H);
        birth.setUTCFullYear(birth.getUTCFullYear() - 17);
        birth.setUTCDate(birth.getUTCDate() - 20);
        await p.fill('#register-fullName', 'Nigar Gəncəli');
        await p.fill('#register-email', 'nigar@assign.test');
        await p.fill('#register-password', password);
        await p.fill('#register-birthDate', birth.toISOString().slice(0, 10));
        await p.keyboard.press('Tab');
        const explainer = p.getByTestId('consent-explainer');
        await explainer.getByText('18 yaşdan kiçiksiniz: ilk növbədən əvvəl valideyn və ya qəyyum razılığı lazımdır').waitFor();
        await explainer.getByText(/Valideyniniz və ya qəyyumunuzla mərkəzə gəlin/).waitFor();
        await p.getByRole('button', { name: 'Hesab yarat' }).click();
        await p.waitForURL((u) => !u.pathname.startsWith('/register'));
        await p.goto(`${server.url}/profile`);
        await p.getByTestId('consent-explainer').getByText(/bildiriş alacaqsınız/).waitFor();

        // She taps the signup and is told why not, in Azerbaijani.
        await p.goto(`${server.url}/shifts/${morning}`);
        await p.getByRole('button', { name: 'Yazıl', exact: true }).click();
        await p.getByRole('alert').getByText('18 yaşdan kiçiklər üçün əvvəlcə valideyn və ya qəyyum razılığı lazımdır. Onu mərkəzdə koordinator qeydə alır.').waitFor();
        await shot(p, shots, 'assign-02-consent-refused');

        // The coordinator records the consent (the refusal asked this centre for it).
        const found = await api('{ volunteers(search: "Nigar") { edges { node { id } } } }', {}, coord);
        await api(
          'mutation($v: ID!) { recordGuardianConsent(input: {volunteerId: $v, guardianName: "Aygün Gəncəli", relationship: "ana"}) { id } }',
          { v: found.volunteers.edges[0].node.id },
          coord,
        );
        // She is notified, in Azerbaijani, and can sign up.
        const deadline = Date.now() + 20_000;
        for (;;) {
          await p.goto(`${server.url}/notifications`);
          const seen = await p.getByText('Valideyn razılığınız qeydə alındı').first().waitFor({ timeout: 3000 }).then(() => true, () => false);
          if (seen) break;
          assert.ok(Date.now() < deadline, 'no notification of the consent');
        }
        await p.goto(`${server.url}/shifts/${morning}`);
        await p.getByRole('button', { name: 'Yazıl', exact: true }).click();
        await p.getByText('Təsdiqlənib').first().waitFor();
        const noisy = phone.errors.filter((e) => !/status of 4\d\d/.test(e));
        assert.deepEqual(noisy, [], 'console errors on the phone');
      } finally {
        await phone.close();
      }
      assert.deepEqual(b.errors.filter((e) => !/status of 4\d\d/.test(e)), [], 'console errors');
    } finally {
      await b.close();
    }
  });
});
