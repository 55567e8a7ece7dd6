// The catalogue end to end (issue 12), on a server of its own without demo
// data: the admin gives a position its Russian name and description on the
// catalogue page, switches to Russian and finds them on the browse list and
// the shift's page; archives a centre with history, which leaves the
// browse list's picker while the volunteer's past shifts still name it;
// and records a volunteer's skills by ticking qualifications named in
// Russian, which her profile then shows in Russian.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gql, openBrowser, startServer } from './harness.mjs';

const root = { email: 'root@catalogue.test', password: 'root-password-123' };
const password = 'a-long-enough-password';
const H = 3600_000;

describe('the catalogue', () => {
  let server;
  before(async () => {
    server = await startServer({ env: { KONULLU_DEMO: '0', KONULLU_ADMIN_EMAIL: root.email, KONULLU_ADMIN_PASSWORD: root.password } });
  });
  after(async () => {
    await server?.stop();
  });

  it('names per language, archiving with history, skills from the catalogue', async () => {
    const api = (q, v, token) => gql(server.url, q, v, token);
    const admin = (await api('mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }', { e: root.email, p: root.password })).login.token;
    const centre = async (name, az) => (await api('mutation($i: CentreInput!) { createCentre(input: $i) { id } }', { i: { name, names: { az }, city: 'Bakı', timezone: 'Asia/Baku' } }, admin)).createCentre.id;
    const open = await centre('Bakı 7 saylı ASAN xidmət', 'Bakı 7 saylı ASAN xidmət');
    const old = await centre('Köhnə Sabunçu mərkəzi', 'Köhnə Sabunçu mərkəzi');
    const position = (await api('mutation($i: PositionInput!) { createPosition(input: $i) { id } }', { i: { name: 'Reception guide', description: 'Greets citizens' } }, admin)).createPosition.id;
    await api('mutation { createQualification(name: "First aid", names: {az: "İlk tibbi yardım", en: "First aid", ru: "Первая помощь"}) { id } }', {}, admin);
    const vera = (await api('mutation($in: RegisterInput!) { register(input: $in) { token user { volunteer { id } } } }', {
      in: { email: 'vera@catalogue.test', password, fullName: 'Vera Könüllü', birthDate: '2002-02-02' },
    })).register;
    const shift = async (c, start) => (await api('mutation($i: CreateShiftsInput!) { createShifts(input: $i) { id } }', {
      i: { centreId: c, positionId: position, startsAt: new Date(start).toISOString(), endsAt: new Date(start + 4 * H).toISOString(), capacity: 3, publish: true },
    }, admin)).createShifts[0].id;
    // Tomorrow at the open centre; three days ago at the old one, attended.
    const tomorrow = Math.floor(Date.now() / H) * H + 24 * H;
    const coming = await shift(open, tomorrow);
    const past = await shift(old, tomorrow - 4 * 24 * H);
    await api('mutation($s: ID!, $v: ID!) { assignVolunteer(shiftId: $s, volunteerId: $v) { id } }', { s: coming, v: vera.user.volunteer.id }, admin);
    // A place is not given on an ended shift: the work done there is recorded.
    await api('mutation($s: ID!, $v: ID!, $i: DateTime!, $o: DateTime!) { recordPastWork(shiftId: $s, volunteerId: $v, checkedInAt: $i, checkedOutAt: $o) { id } }',
      { s: past, v: vera.user.volunteer.id, i: new Date(tomorrow - 4 * 24 * H).toISOString(), o: new Date(tomorrow - 4 * 24 * H + 4 * H).toISOString() }, admin);

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
      // The admin writes the position's Russian name and description.
      await as(admin, '/coordinate/catalogue', 'en');
      const item = page.getByTestId('catalogue-item').filter({ hasText: 'Reception guide' });
      await item.getByRole('button', { name: 'Edit' }).click();
      await page.fill('#position-name-ru', 'Гид на входе');
      await page.fill('#position-description-ru', 'Встречает граждан у входа');
      await item.getByRole('button', { name: 'Save' }).click();
      await item.getByRole('button', { name: 'Edit' }).and(page.locator('[aria-expanded=false]')).waitFor();

      // The open centre's day template: derived from its one shift until
      // saved; she adds a Sunday block, typed in 24-hour time, and saves.
      const openItem = page.getByTestId('catalogue-item').filter({ hasText: 'Bakı 7 saylı' });
      await openItem.getByRole('button', { name: 'Day template' }).click();
      await openItem.getByText('Not set yet: these blocks are derived').waitFor();
      const derived = await openItem.getByTestId('day-block').count();
      assert.equal(derived, 1, 'one block derived from the one shift');
      await openItem.getByRole('button', { name: 'Add a block' }).click();
      const added = openItem.getByTestId('day-block').last();
      await added.getByLabel('Day', { exact: true }).selectOption('7');
      await added.getByLabel('From', { exact: true }).fill('10:00');
      await added.getByLabel('Until', { exact: true }).fill('14:30');
      await openItem.getByRole('button', { name: 'Save' }).click();
      await openItem.getByText('The day template is saved.').waitFor();
      const template = (await api('query($id: ID!) { node(id: $id) { ... on Centre { dayTemplateSet dayTemplate { weekday start end } } } }', { id: open }, admin)).node;
      assert.equal(template.dayTemplateSet, true);
      assert.deepEqual(template.dayTemplate.at(-1), { weekday: 7, start: '10:00', end: '14:30' });
      assert.equal(template.dayTemplate.length, 2);

      // She switches to Russian: the catalogue, the shift's page and the
      // browse list name it in Russian.
      await page.locator('.lang-switch select').first().selectOption('ru');
      await page.waitForFunction(() => document.documentElement.lang === 'ru');
      await page.getByTestId('catalogue-item').filter({ hasText: 'Гид на входе' }).waitFor();
      await page.goto(`${server.url}/shifts/${coming}`);
      await page.getByText('Встречает граждан у входа').waitFor();
      await page.locator('main', { hasText: 'Гид на входе' }).waitFor();
      const day = new Date(tomorrow + 4 * H).toISOString().slice(0, 10); // the shift's date in Baku
      await page.goto(`${server.url}/shifts?date=${day}`);
      // The browse list's shift cards and its position filter name it in Russian.
      await page.locator('.shift-card', { hasText: 'Гид на входе' }).first().waitFor();
      await page.locator('#f-position option', { hasText: 'Гид на входе' }).waitFor({ state: 'attached' });
      assert.doesNotMatch(await page.locator('main').innerText(), /Reception guide/);
      await as(admin, '/coordinate/catalogue', 'ru');

      // The old centre, with history, is archived: out of the picker.
      const oldItem = page.getByTestId('catalogue-item').filter({ hasText: 'Köhnə Sabunçu' });
      await oldItem.getByRole('button', { name: 'Удалить' }).click();
      await oldItem.getByRole('button', { name: 'Удалить' }).last().click();
      await oldItem.getByText('В его истории есть смены').waitFor(); // refused: it has history
      await oldItem.getByRole('button', { name: 'В архив' }).click();
      await oldItem.getByText('В архиве', { exact: true }).waitFor();
      await page.goto(`${server.url}/shifts`);
      await page.locator('#f-centre option', { hasText: 'Bakı 7' }).waitFor({ state: 'attached' });
      assert.equal(await page.locator('#f-centre option', { hasText: 'Köhnə Sabunçu' }).count(), 0);

      // Her skills, ticked from the catalogue in Russian.
      await page.goto(`${server.url}/coordinate/shifts/${coming}`);
      await page.getByRole('button', { name: /Изменить навыки/ }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByRole('checkbox', { name: 'Первая помощь' }).check();
      await dialog.getByRole('button', { name: 'Сохранить' }).click();
      await page.locator('.roster-skills', { hasText: 'Первая помощь' }).waitFor();

      // Vera, in Russian: her past shift still names the archived centre;
      // her profile names the qualification in Russian.
      await as(vera.token, '/my-shifts', 'ru');
      await page.click('#tab-past');
      await page.locator('#my-panel .shift-card', { hasText: 'Köhnə Sabunçu' }).waitFor();
      await page.goto(`${server.url}/profile`);
      await page.getByTestId('qualifications').getByText('Первая помощь').waitFor();
    } finally {
      await b.close();
    }
  });
});
