// Administration end to end (issue 12), on a server of its own without demo
// data: the admin finds a person by name, makes her coordinator of a centre,
// sees her among the coordinators with the centre, and takes the role back;
// the last administrator cannot lose ADMIN and is told why. Then, in
// Russian, the audit log filtered by that person and by today reads as
// words: the action, her name, the shift she created as centre · position ·
// time, and no ids or JSON unless "details" is opened.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { axe, gql, openBrowser, startServer } from './harness.mjs';

const root = { email: 'root@admin.test', password: 'root-password-123' };
const password = 'a-long-enough-password';
const H = 3600_000;
const centreName = 'Bakı 5 saylı ASAN xidmət';

/** Today in Baku (UTC+4) as the Russian date field reads it: 08.12.2026. */
const bakuToday = () => {
  const [y, m, d] = new Date(Date.now() + 4 * H).toISOString().slice(0, 10).split('-');
  return `${d}.${m}.${y}`;
};

describe('administration', () => {
  let server;
  before(async () => {
    server = await startServer({ env: { KONULLU_DEMO: '0', KONULLU_ADMIN_EMAIL: root.email, KONULLU_ADMIN_PASSWORD: root.password } });
  });
  after(async () => {
    await server?.stop();
  });

  it('roles by name, and an audit log that reads as words', async () => {
    const api = (q, v, token) => gql(server.url, q, v, token);
    const login = async (email, pw = password) => (await api('mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }', { e: email, p: pw })).login.token;
    const admin = await login(root.email, root.password);
    const centre = (await api('mutation($i: CentreInput!) { createCentre(input: $i) { id } }', { i: { name: centreName, city: 'Bakı', timezone: 'Asia/Baku' } }, admin)).createCentre.id;
    await api('mutation($i: CentreInput!) { createCentre(input: $i) { id } }', { i: { name: 'Gəncə ASAN', city: 'Gəncə', timezone: 'Asia/Baku' } }, admin);
    const position = (await api('mutation($i: PositionInput!) { createPosition(input: $i) { id } }', { i: { name: 'Reception guide' } }, admin)).createPosition.id;
    const ids = [centre, position];
    for (const [email, name] of [['aysel@admin.test', 'Aysel Məmmədova'], ['ayten@admin.test', 'Aytən Quliyeva']]) {
      const r = await api('mutation($in: RegisterInput!) { register(input: $in) { user { id volunteer { id } } } }', {
        in: { email, password, fullName: name, birthDate: '2001-04-05' },
      });
      ids.push(r.register.user.id, r.register.user.volunteer.id);
    }

    const b = await openBrowser('desktop', { locale: 'en-GB' });
    const { page } = b;
    const as = async (path, lang) => {
      await page.goto(`${server.url}/login`);
      await page.evaluate(([t, l]) => {
        localStorage.setItem('konullu.token', t);
        localStorage.setItem('konullu.lang', l);
      }, [admin, lang]);
      await page.goto(`${server.url}${path}`);
    };
    try {
      // Find Aysel by part of her surname, make her coordinator of one centre.
      await as('/admin', 'en');
      const grant = page.locator('form[aria-labelledby="grant-heading"]');
      await grant.locator('input[name="grantPerson"]').fill('məmməd');
      await grant.getByRole('button', { name: 'Choose: Aysel Məmmədova' }).click();
      assert.equal(await grant.getByRole('button', { name: /Choose: Aytən/ }).count(), 0, 'only the matching person is offered');
      await grant.getByLabel('Role').selectOption('COORDINATOR');
      await grant.getByLabel(centreName).check();
      await grant.getByRole('button', { name: 'Give role' }).click();
      await grant.getByText('Aysel Məmmədova is now: Coordinator, Volunteer.').waitFor();

      // Among the coordinators, with her centre.
      const coordinators = page.getByRole('list', { name: /^Coordinator/ });
      const row = coordinators.locator('li', { hasText: 'Aysel Məmmədova' });
      await row.getByText(centreName).waitFor();
      assert.deepEqual(await axe(page), [], 'axe on the settings page');

      // As coordinator she creates a shift (the audit log shows it below).
      const aysel = await login('aysel@admin.test');
      const start = Math.floor(Date.now() / H) * H + 26 * H;
      const shift = (await api('mutation($i: CreateShiftsInput!) { createShifts(input: $i) { id } }', {
        i: { centreId: centre, positionId: position, startsAt: new Date(start).toISOString(), endsAt: new Date(start + 4 * H).toISOString(), capacity: 3, publish: true },
      }, aysel)).createShifts[0].id;
      ids.push(shift);

      // The role is taken back.
      await page.getByRole('button', { name: 'Revoke: Coordinator, Aysel Məmmədova' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByRole('button', { name: 'Revoke' }).click();
      await page.getByText('The role “Coordinator” is taken from Aysel Məmmədova.').waitFor();
      await page.locator('section[aria-labelledby="holders-COORDINATOR"]').getByText('Nobody holds this role.').waitFor();

      // The last administrator keeps ADMIN, and is told why.
      await page.getByRole('button', { name: /^Revoke: Administrator/ }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
      await page.getByRole('dialog').getByText(/is the last administrator: make someone else an administrator first/).waitFor();
      await page.getByRole('dialog').getByRole('button', { name: 'Keep' }).click();

      // The audit log in Russian, by the person who acted and today.
      await as('/admin/audit', 'ru');
      const filters = page.getByRole('search');
      await filters.locator('input[name="auditActor"]').fill('Aysel');
      await filters.getByRole('button', { name: 'Выбрать: Aysel Məmmədova' }).click();
      await filters.getByLabel('С', { exact: true }).fill(bakuToday());
      await filters.getByLabel('По (включительно)').fill(bakuToday());
      await filters.getByRole('button', { name: 'Показать' }).click();
      const list = page.locator('.audit-list');
      const created = list.locator('li.audit-entry', { hasText: 'Смены созданы' });
      await created.waitFor();
      await created.getByText('Aysel Məmmədova', { exact: true }).waitFor();
      await created.getByText(new RegExp(`${centreName} · Reception guide · \\d{1,2} дек\\.? \\d{4}( г\\.)?,? \\d{2}:\\d{2}`)).first().waitFor();
      // Only what she did: her registration, her sign-in and the shift, not the admin's grant.
      const headings = await list.locator('h2.audit-action').allInnerTexts();
      assert.deepEqual(headings.sort(), ['Вход', 'Регистрация', 'Смены созданы'].sort(), `entries: ${headings}`);

      assert.deepEqual(await axe(page), [], 'axe on the audit log');
      // No ids or JSON unless details are opened.
      const visible = await page.locator('main').innerText();
      for (const id of ids) assert.ok(!visible.includes(id), `id ${id} is visible`);
      assert.doesNotMatch(visible, /[{}]|"ID"|createShifts|CentreID/);
      await created.getByText('Подробно (аргументы, запрос, JSON)').click();
      await created.locator('pre.json').first().waitFor();
      assert.match(await created.locator('pre.json').first().innerText(), /"centreId"/);
      assert.deepEqual(b.errors, []);
    } finally {
      await b.close();
    }
  });
});
