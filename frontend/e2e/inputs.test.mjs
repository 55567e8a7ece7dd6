// Dates and times in the app's language, not the operating system's (issue
// 12, item 6). The browser runs with an en-US system locale, whose native
// pickers would show "02:30 PM" and "03/14/2026"; in az and ru every date and
// time field on the demo shows day-month-year and 24-hour, none of them is a
// native date or time input, a date and time typed into "create shifts" make
// a shift at that time, a wrong date is said under its field and the message
// goes once fixed, and the reports' chart writes numbers as the page does.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { axe, openBrowser, screenshotDir, shot, startServer } from './harness.mjs';

const password = 'konullu-demo';
const demo = {
  admin: 'admin@demo.konullu.az',
  volunteer: 'volunteer@demo.konullu.az',
};
const H = 3600_000;
/** The date n days from now in Baku (UTC+4, no DST), ISO. */
const bakuDate = (n) => new Date(Date.now() + 4 * H + n * 24 * H).toISOString().slice(0, 10);
const dmy = (iso) => iso.split('-').reverse().join('.');

const native = 'input[type=date], input[type=time], input[type=datetime-local], input[type=month], input[type=week]';

let server;
let shots;

async function login(page, email, lang) {
  await page.goto(`${server.url}/login`);
  await page.evaluate((l) => localStorage.setItem('konullu.lang', l), lang);
  await page.reload();
  await page.fill('input[type=email]', email);
  await page.fill('input[type=password]', password);
  await page.click('form button[type=submit]');
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

/**
 * Opens the page, waits for its date or time fields, and checks them: no
 * native picker, every filled date dd.mm.yyyy and every time HH:MM.
 */
async function checkFields(page, path, name, { optional = false } = {}) {
  await page.goto(`${server.url}${path}`);
  if (optional) {
    await page.locator('main h1').waitFor();
    await page.waitForLoadState('networkidle');
  } else {
    await page.locator('.date-input input, .time-input input').first().waitFor();
  }
  assert.equal(await page.locator(native).count(), 0, `${name}: a native date or time input`);
  const dates = await page.locator('.date-input input').evaluateAll((els) => els.map((e) => e.value).filter(Boolean));
  const times = await page.locator('.time-input input').evaluateAll((els) => els.map((e) => e.value).filter(Boolean));
  for (const d of dates) assert.match(d, /^\d{2}\.\d{2}\.\d{4}$/, `${name}: date ${d}`);
  for (const t of times) assert.match(t, /^([01]\d|2[0-3]):[0-5]\d$/, `${name}: time ${t}`);
  return { dates, times };
}

describe('dates and times in the app’s language on an en-US system', () => {
  before(async () => {
    shots = screenshotDir();
    server = await startServer();
  });
  after(async () => {
    await server?.stop();
  });

  const words = {
    az: { date: 'Tarix (ilk növbə)', start: 'Başlama', end: 'Bitmə', position: 'Vəzifə', birth: 'Doğum tarixi', noSuchDay: 'Belə gün yoxdur', year: 'İli tam', correction: 'Düzəliş istə', exception: 'İstisna əlavə et' },
    ru: { date: 'Дата (первая смена)', start: 'Начало', end: 'Конец', position: 'Должность', birth: 'Дата рождения', noSuchDay: 'Такого дня нет', year: 'Укажите год полностью', correction: 'Попросить исправление', exception: 'Добавить исключение' },
  };
  // What is typed, and the shift it must make: a different day and time per language.
  const typed = {
    az: { days: 2, start: '2:30 pm', shownStart: '14:30', end: '16.45', range: '14:30–16:45', ticks: /^0\|.*\b\d{1,3}\.000\b/ },
    ru: { days: 3, start: '1915', shownStart: '19:15', end: '20:40', range: '19:15–20:40', ticks: /^0\|.*\b\d{1,3}\u00a0000\b/ },
  };

  for (const lang of ['az', 'ru']) {
    it(`${lang}: every date and time field is day-month-year and 24-hour; what is typed makes the shift`, async () => {
      const w = words[lang];
      const x = typed[lang];
      // The system's locale is American English: native pickers would say 02:30 PM and 12/10/2026.
      const b = await openBrowser('desktop', { locale: 'en-US' });
      const { page } = b;
      try {
        // Registration's birth date, before signing in.
        await page.goto(`${server.url}/login`);
        await page.evaluate((l) => localStorage.setItem('konullu.lang', l), lang);
        await checkFields(page, '/register', 'register');
        const birth = page.getByLabel(w.birth);
        await birth.fill('14.05.01');
        await birth.press('Tab');
        await page.getByText(w.year).waitFor();
        await birth.fill('14.05.2001');
        assert.equal(await page.getByText(w.year).count(), 0, 'the message goes once the date is right');
        assert.equal(await birth.getAttribute('aria-invalid'), null);
        // Half typed, nothing is said until the field is left.
        await birth.fill('14.0');
        assert.equal(await page.locator('.date-input .field-error').count(), 0, 'no message while typing');
        await birth.fill('14.05.2001');

        await login(page, demo.admin, lang);
        const { dates, times } = await checkFields(page, '/coordinate/new', 'create shifts');
        assert.ok(dates.length >= 1 && times.includes('09:00'), `create shifts shows ${dates} ${times}`);
        await page.getByLabel(w.position).selectOption({ index: 1 });
        const date = page.getByLabel(w.date, { exact: true });
        // A day that does not exist is said under the field once it is left, and goes when fixed.
        await date.fill('31.02.2027');
        await date.press('Tab');
        await page.locator('.date-input .field-error').getByText(w.noSuchDay).waitFor();
        assert.equal(await date.getAttribute('aria-invalid'), 'true');
        if (lang === 'ru') {
          assert.deepEqual(await axe(page), [], 'axe with a wrong date said');
          await shot(page, shots, `inputs-${lang}-wrong-date`);
        }
        if (lang === 'az') {
          // Chosen from the calendar with the keyboard: today, then two days on.
          await page.locator('.date-input-open').first().click();
          await page.locator('.rdp-root [data-today] button').waitFor();
          assert.deepEqual(await axe(page), [], 'axe with the calendar open');
          await shot(page, shots, `inputs-${lang}-calendar`);
          await page.keyboard.press('ArrowRight');
          await page.keyboard.press('ArrowRight');
          await page.keyboard.press('Enter');
          await page.locator('.rdp-root').waitFor({ state: 'detached' });
        } else {
          await date.fill(dmy(bakuDate(x.days)));
        }
        assert.equal(await date.inputValue(), dmy(bakuDate(x.days)));
        assert.equal(await page.getByText(w.noSuchDay).count(), 0, 'the message goes once the date is right');
        const start = page.getByLabel(w.start, { exact: true });
        await start.fill(x.start);
        await start.press('Tab');
        assert.equal(await start.inputValue(), x.shownStart, 'the time is shown 24-hour');
        await page.getByLabel(w.end, { exact: true }).fill(x.end);
        assert.deepEqual(await axe(page), [], 'axe on create shifts');
        await shot(page, shots, `inputs-${lang}-create`);
        await page.locator('form button[type=submit]').click();
        // The week calendar shows the new shift at the time typed.
        await page.waitForURL((u) => u.pathname === '/coordinate');
        await page.getByText(x.range).first().waitFor();

        // Every other page with a date or time field.
        for (const [path, name] of [
          ['/programme/training', 'training'],
          ['/admin/audit', 'audit log'],
          ['/reports', 'reports'],
        ]) {
          await checkFields(page, path, name);
        }
        // The reports' charts write numbers as the page does (1.000 in az, 1 000 in ru; chart.js alone wrote 1,000).
        await page.locator('canvas[data-ticks]').first().waitFor();
        const ticks = await page.locator('canvas[data-ticks]').evaluateAll((els) => els.map((e) => e.dataset.ticks));
        assert.ok(ticks.some((t) => x.ticks.test(t)), `chart ticks ${JSON.stringify(ticks)}`);
        assert.deepEqual(await axe(page), [], 'axe on reports');
        await shot(page, shots, `inputs-${lang}-reports`);

        // A volunteer's pages.
        await page.evaluate(() => localStorage.removeItem('konullu.token'));
        await login(page, demo.volunteer, lang);
        await checkFields(page, '/my-hours', 'hours');
        // A date and a time together: the programme's hour correction of a past shift.
        await checkFields(page, '/programme', 'programme', { optional: true });
        await page.getByRole('button', { name: w.correction }).first().click();
        const both = await page.locator('.date-time-input input').evaluateAll((els) => els.map((e) => e.value));
        assert.equal(both.length, 4, `programme correction fields ${both}`);
        assert.match(both.join(' '), /^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2} \d{2}\.\d{2}\.\d{4} \d{2}:\d{2}$/);
        assert.equal(await page.locator(native).count(), 0, 'programme: a native date or time input');
        await checkFields(page, '/availability', 'availability', { optional: true });
        // A time of one's own, and an exception's date (when the page offers them).
        const addTime = page.locator('.week-day-tools .link-btn').first();
        if (await addTime.count()) {
          await addTime.click();
          const from = page.locator('.window-row .time-input input').first();
          assert.match(await from.inputValue(), /^\d{2}:\d{2}$/);
          await from.fill('25:10');
          await from.press('Tab');
          await page.locator('.window-row .field-error').first().waitFor();
          await shot(page, shots, `inputs-${lang}-availability`);
          await from.fill('07:45');
          assert.equal(await page.locator('.window-row .time-input .field-error').count(), 0, 'the message goes once the time is right');
        }
        const addException = page.getByRole('button', { name: w.exception });
        if (await addException.count()) {
          await addException.click();
          const day = page.locator('.exception-list .date-input input').first();
          assert.match(await day.inputValue(), /^\d{2}\.\d{2}\.\d{4}$/, 'an exception’s date');
          assert.equal(await page.locator(native).count(), 0, 'availability: a native date or time input');
        }
        assert.deepEqual(b.errors, [], 'console errors');
      } finally {
        await b.close();
      }
    });
  }
});
