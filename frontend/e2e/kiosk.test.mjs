// The day at the centre, as people would live it (issue 14's "done when"),
// on a server of its own without demo data, in three Chromium processes:
//
// - a kiosk at the door (a tablet signed in with the token a coordinator
//   made in the web app) shows its QR code;
// - a volunteer's phone (390 px) scans it with the camera: Chromium's fake
//   camera plays a video made here from a screenshot of the kiosk's QR code
//   (camera.mjs), and the app's own scanner (jsQR) reads it;
// - the coordinator's live board, open in a third browser all along, moves
//   the volunteer from "Late" to "Checked in" without reloading, and keeps
//   showing who is due;
// - a second volunteer types a code from two minutes ago and is refused in
//   words, then types the current one;
// - the coordinator's phone scans a third volunteer's personal QR code, again
//   from a screenshot of the volunteer's phone: presence COORDINATOR.
//
// And, on the same server: a waitlisted volunteer's phone shows the place
// they were given (an offered place goes to the waitlist) as soon as it is
// theirs, on My shifts and on the shift's page.
//
// The code from two minutes ago: the test starts the server with a check-in
// key of its own (KONULLU_CHECKIN_SECRET) and computes the kiosk code of the
// window four back (30 s each) with node:crypto, as presence.go does
// (HMAC-SHA256 of "kiosk|<centre>|<window>", RFC 4226 truncation to six
// digits). Nothing in the server is there for the test: no clock to set, no
// endpoint. A mistake in this copy of the formula would make the code
// unknown (INVALID_INPUT, "not a check-in code"), which the test tells apart
// from CODE_EXPIRED, so it cannot pass by accident.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { axe, chromiumPath, frontend, gql, misfits, startServer, viewports } from './harness.mjs';
import { writeBlankVideo, writeCameraVideo } from './camera.mjs';

const root = { email: 'root@kiosk.test', password: 'root-password-123' };
const password = 'a-long-enough-password';
const secret = randomBytes(32).toString('hex');
const M = 60_000;

/** The kiosk code of a centre (its database id) in 30-second window w: presence.go's KioskCode. */
function kioskCode(centreId, w) {
  const sum = createHmac('sha256', secret).update(`kiosk|${centreId}|${w}`).digest();
  const off = sum[sum.length - 1] & 0x0f;
  return String((sum.readUInt32BE(off) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

/** The database id inside a global id (base64url of "Kind:42"). */
const dbId = (id) => Number(Buffer.from(id, 'base64url').toString().split(':')[1]);

const shotsDir = resolve(process.env.KONULLU_E2E_SCREENSHOTS ?? join(frontend, 'e2e-artifacts', 'screenshots'));

describe('the day at the centre (kiosk, phone camera, live board)', () => {
  let server;
  const browsers = [];
  const errors = [];
  let work;

  before(async () => {
    mkdirSync(shotsDir, { recursive: true });
    work = mkdtempSync(join(tmpdir(), 'konullu-kiosk-'));
    server = await startServer({
      env: { KONULLU_DEMO: '0', KONULLU_JOBS: 'off', KONULLU_ADMIN_EMAIL: root.email, KONULLU_ADMIN_PASSWORD: root.password, KONULLU_CHECKIN_SECRET: secret },
    });
  });
  after(async () => {
    await Promise.all(browsers.map((b) => b.close()));
    await server?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** A Chromium process (args: a fake camera's flags). */
  async function launch(args = []) {
    const b = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...args],
    });
    browsers.push(b);
    return b;
  }

  /**
   * A fresh context (one person's device) in the viewport, signed in with
   * token when given (as the app keeps a session: konullu.token in local
   * storage); console errors are collected.
   */
  async function device(browser, viewport, who, token) {
    const { width, height, ...rest } = viewports[viewport];
    const storageState = token ? { cookies: [], origins: [{ origin: server.url, localStorage: [{ name: 'konullu.token', value: token }] }] } : undefined;
    const context = await browser.newContext({ viewport: { width, height }, ...rest, locale: 'en-GB', timezoneId: 'Asia/Baku', storageState });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('console', (m) => m.type() === 'error' && errors.push(`${who}: ${m.text()}`));
    page.on('pageerror', (e) => errors.push(`${who}: ${e.message}`));
    return page;
  }

  async function signIn(page, email) {
    await page.goto(`${server.url}/login`);
    await page.fill('input[type=email]', email);
    await page.fill('input[type=password]', password);
    await page.click('form button[type=submit]');
    await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  }

  /**
   * A screenshot for people to look at, and the page checked for fit; with
   * a11y, with axe too (for the states the tour of app.test.mjs does not
   * reach: axe costs seconds a page on a busy machine).
   */
  async function step(page, name, { a11y = false } = {}) {
    await page.screenshot({ path: join(shotsDir, `day-${name}.png`) });
    if (a11y) assert.deepEqual(await axe(page), [], `axe on ${name}`);
    assert.deepEqual((await misfits(page)).slice(0, 8), [], `${name} does not fit the viewport`);
  }

  it('a phone scans the kiosk, the board follows, an old code is refused, the coordinator scans a personal code', async () => {
    const t0 = Date.now();
    const mark = (what) => console.log(`e2e: ${what} after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const api = (q, v, token) => gql(server.url, q, v, token);
    const admin = (await api('mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }', { e: root.email, p: root.password })).login.token;
    const centreId = (await api('mutation($i: CentreInput!) { createCentre(input: $i) { id } }', { i: { name: 'Gənclər Mərkəzi', city: 'Bakı', timezone: 'Asia/Baku' } }, admin)).createCentre.id;
    const positionId = (await api('mutation($i: PositionInput!) { createPosition(input: $i) { id } }', { i: { name: 'Door greeter' } }, admin)).createPosition.id;
    const tag = Date.now();
    const register = async (fullName) => {
      const email = `${fullName.split(' ')[0].toLowerCase()}.${tag}@kiosk.test`;
      const r = (await api('mutation($i: RegisterInput!) { register(input: $i) { token user { id volunteer { id } } } }', { i: { email, password, fullName, birthDate: '2000-04-04', city: 'Bakı' } })).register;
      return { email, fullName, token: r.token, userId: r.user.id, volunteerId: r.user.volunteer.id };
    };
    const coordinator = await register('Rauf Coordinator');
    await api('mutation($u: ID!, $c: ID!) { grantRole(userId: $u, role: COORDINATOR, centreIds: [$c]) { id } }', { u: coordinator.userId, c: centreId }, admin);
    const newShift = async (startsIn, capacity) => {
      const start = Date.now() + startsIn;
      const i = { centreId, positionId, startsAt: new Date(start).toISOString(), endsAt: new Date(start + 3 * 60 * M).toISOString(), capacity, publish: true };
      return (await api('mutation($i: CreateShiftsInput!) { createShifts(input: $i) { id } }', { i }, coordinator.token)).createShifts[0].id;
    };
    const started = await newShift(-10 * M, 4); // started ten minutes ago: check-in open, nobody there yet is late
    const soon = await newShift(20 * M, 2); // starts in twenty minutes: due
    const people = {};
    for (const [key, name, s] of [['kamran', 'Kamran Scanner', started], ['lale', 'Lalə Typist', started], ['murad', 'Murad Personal', started], ['nigar', 'Nigar Soon', soon]]) {
      people[key] = await register(name);
      await api('mutation($s: ID!, $v: ID!) { assignVolunteer(shiftId: $s, volunteerId: $v) { id } }', { s, v: people[key].volunteerId }, coordinator.token);
    }

    // Two cameras: the volunteer's phone films the kiosk, the coordinator's
    // phone films a volunteer's phone. White until something is held up.
    const kioskCamera = join(work, 'kiosk.y4m');
    const personalCamera = join(work, 'personal.y4m');
    writeBlankVideo(kioskCamera);
    writeBlankVideo(personalCamera);
    const camera = (file) => ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${file}`];
    mark('centre, shifts and people made');
    const [screens, volunteerPhone, coordinatorPhone] = await Promise.all([launch(), launch(camera(kioskCamera)), launch(camera(personalCamera))]);
    mark('three browsers started');

    // Everyone's device. The coordinator signs in at the desk; the phones
    // keep the sessions their owners registered with (the coordinator's
    // phone, one of its own); the kiosk is signed in below with its token.
    const coordinatorPhoneToken = (await api('mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }', { e: coordinator.email, p: password })).login.token;
    const [desk, kiosk, phone, typist, muradPhone, scanner] = await Promise.all([
      device(screens, 'desktop', 'coordinator desk'),
      device(screens, 'desktop', 'kiosk'),
      device(volunteerPhone, 'phone', 'Kamran’s phone', people.kamran.token),
      device(screens, 'phone', 'Lalə’s phone', people.lale.token),
      device(screens, 'phone', 'Murad’s phone', people.murad.token),
      device(coordinatorPhone, 'phone', 'coordinator’s phone', coordinatorPhoneToken),
    ]);
    // The phones load their pages while the coordinator works at the desk.
    const opened = Promise.all([
      phone.goto(`${server.url}/checkin`),
      typist.goto(`${server.url}/checkin`),
      muradPhone.goto(`${server.url}/shifts/${started}`),
      scanner.goto(`${server.url}/checkin`),
    ]);
    await signIn(desk, coordinator.email);

    // The coordinator makes a kiosk in the web app; its token is shown once.
    await desk.goto(`${server.url}/coordinate/kiosks`);
    await desk.getByLabel('Name of the new kiosk').fill('Main door');
    await desk.getByRole('button', { name: 'Create a kiosk' }).click();
    const token = (await desk.locator('[data-testid=kiosk-token]').innerText()).trim();
    assert.match(token, /^kiosk_/);

    // The live board on the wall: the three of the started shift are late, Nigar is due.
    await desk.goto(`${server.url}/coordinate/board?centre=${encodeURIComponent(centreId)}`);
    const column = (key) => desk.getByTestId(`board-${key}`);
    const names = async (key) => (await column(key).locator('li strong').allInnerTexts()).sort();
    const until = async (key, want) => {
      const deadline = Date.now() + 15_000;
      for (;;) {
        const got = await names(key);
        if (JSON.stringify(got) === JSON.stringify(want)) return;
        if (Date.now() > deadline) assert.deepEqual(got, want, `the board's ${key} column`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    await until('late', ['Kamran Scanner', 'Lalə Typist', 'Murad Personal']);
    await until('due', ['Nigar Soon']);
    await until('checkedIn', []);
    // Marked: a reload (or a navigation) would lose the mark.
    await desk.evaluate(() => (window.__boardSinceStart = true));
    const loads = [];
    desk.on('load', () => loads.push(desk.url()));
    await step(desk, '01-board-before');

    // The tablet at the door, signed in with the token.
    await kiosk.goto(`${server.url}/kiosk`);
    await kiosk.getByLabel('Kiosk token').fill(token);
    await kiosk.getByRole('button', { name: 'Start the kiosk' }).click();
    const qr = kiosk.locator('.kiosk-code svg.qr-code');
    await qr.waitFor();
    await step(kiosk, '02-kiosk', { a11y: true });

    await opened;
    mark('the kiosk shows its code, the phones are ready');

    // Kamran's phone films the kiosk's QR code: the camera plays a video of
    // the screenshot of the QR code on the kiosk's screen.
    writeCameraVideo(kioskCamera, await qr.screenshot());
    await phone.getByRole('button', { name: 'Scan with the camera' }).click();
    await phone.locator('.alert-success', { hasText: 'Checked in at Gənclər Mərkəzi' }).waitFor({ timeout: 20_000 });
    mark('the phone scanned the kiosk');
    await step(phone, '03-phone-scanned');

    // The board moved him without reloading.
    await until('checkedIn', ['Kamran Scanner']);
    await until('late', ['Lalə Typist', 'Murad Personal']);
    await until('due', ['Nigar Soon']);

    // Lalə types the code the kiosk showed two minutes ago: refused, in words.
    const window30 = Math.floor(Date.now() / 30_000);
    await typist.getByLabel('Code').fill(kioskCode(dbId(centreId), window30 - 4));
    await typist.locator('form button[type=submit]').click();
    const answer = typist.locator('main .alert').first();
    await answer.waitFor();
    assert.equal((await answer.innerText()).trim(), 'This code is no longer valid. Scan the code on the screen now.', 'the answer to a code from two minutes ago');
    assert.equal(await answer.getAttribute('role'), 'alert');
    await step(typist, '04-old-code-refused', { a11y: true });
    // Then the six digits on the kiosk now.
    const digits = await kiosk.locator('.kiosk-digits').getAttribute('data-code');
    await typist.getByLabel('Code').fill(digits);
    await typist.locator('form button[type=submit]').click();
    await typist.locator('.alert-success', { hasText: 'Checked in at Gənclər Mərkəzi' }).waitFor();
    await until('checkedIn', ['Kamran Scanner', 'Lalə Typist']);
    await until('late', ['Murad Personal']);
    mark('a code from two minutes ago refused, the current one typed');

    // Murad shows his personal QR code; the coordinator's phone films it.
    const personal = muradPhone.locator('.personal-code svg.qr-code');
    await personal.waitFor();
    await step(muradPhone, '05-personal-code', { a11y: true });
    writeCameraVideo(personalCamera, await personal.screenshot());
    await scanner.getByRole('button', { name: 'Scan with the camera' }).click();
    await scanner.locator('.alert-success', { hasText: 'Murad Personal' }).waitFor({ timeout: 20_000 });
    mark('the coordinator scanned the personal code');
    await step(scanner, '06-coordinator-scanned');

    await until('checkedIn', ['Kamran Scanner', 'Lalə Typist', 'Murad Personal']);
    await until('late', []);
    await until('due', ['Nigar Soon']);
    await step(desk, '07-board-after');
    assert.equal(await desk.evaluate(() => window.__boardSinceStart), true, 'the board was reloaded');
    assert.deepEqual(loads, [], 'the board navigated');

    const { shift } = await api('query($id: ID!) { shift(id: $id) { assignments { status presence volunteer { fullName } } } }', { id: started }, coordinator.token);
    const proof = Object.fromEntries(shift.assignments.map((a) => [a.volunteer.fullName, `${a.status} ${a.presence}`]));
    assert.deepEqual(proof, { 'Kamran Scanner': 'CHECKED_IN KIOSK', 'Lalə Typist': 'CHECKED_IN KIOSK', 'Murad Personal': 'CHECKED_IN COORDINATOR' });
    assert.deepEqual(errors, [], 'console errors');
  });

  // A volunteer waiting for a place watches My shifts and the shift's page on
  // their phone; the holder offers the place, which goes to the waitlist at
  // once: both views say Confirmed without reloading (myNotifications).
  it('a waitlisted volunteer given an offered place sees it confirmed at once', async () => {
    const api = (q, v, token) => gql(server.url, q, v, token);
    const admin = (await api('mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }', { e: root.email, p: root.password })).login.token;
    const centreId = (await api('mutation($i: CentreInput!) { createCentre(input: $i) { id } }', { i: { name: 'Swap Centre', city: 'Bakı', timezone: 'Asia/Baku' } }, admin)).createCentre.id;
    const positionId = (await api('mutation($i: PositionInput!) { createPosition(input: $i) { id } }', { i: { name: 'Cloakroom' } }, admin)).createPosition.id;
    const start = Date.now() + 26 * 60 * M;
    const i = { centreId, positionId, startsAt: new Date(start).toISOString(), endsAt: new Date(start + 2 * 60 * M).toISOString(), capacity: 1, publish: true };
    const shiftId = (await api('mutation($i: CreateShiftsInput!) { createShifts(input: $i) { id } }', { i }, admin)).createShifts[0].id;
    const register = async (fullName) =>
      (await api('mutation($i: RegisterInput!) { register(input: $i) { token } }', { i: { email: `${fullName.split(' ')[0].toLowerCase()}.${Date.now()}@kiosk.test`, password, fullName, birthDate: '2000-04-04', city: 'Bakı' } })).register.token;
    const holder = await register('Holder Offers');
    const waiting = await register('Waiting Taker');
    const held = (await api('mutation($s: ID!) { signUp(shiftId: $s) { id status } }', { s: shiftId }, holder)).signUp;
    assert.equal(held.status, 'CONFIRMED');
    assert.equal((await api('mutation($s: ID!) { signUp(shiftId: $s) { status } }', { s: shiftId }, waiting)).signUp.status, 'WAITLISTED');

    const b = browsers[0] ?? (await launch()); // the first test's, when it ran
    const list = await device(b, 'phone', 'waiting volunteer’s My shifts', waiting);
    const detail = await list.context().newPage();
    detail.on('console', (m) => m.type() === 'error' && errors.push(`shift page: ${m.text()}`));
    await Promise.all([list.goto(`${server.url}/my-shifts`), detail.goto(`${server.url}/shifts/${shiftId}`)]);
    const listBadge = list.locator('#my-panel .shift-card', { hasText: 'Cloakroom' }).locator('.badge');
    const detailBadge = detail.locator('.my-place .badge');
    await listBadge.filter({ hasText: 'Waitlist #1' }).waitFor();
    await detailBadge.filter({ hasText: 'Waitlist #1' }).waitFor();
    for (const p of [list, detail]) await p.evaluate(() => (window.__sinceStart = true));

    const offer = (await api('mutation($a: ID!) { offerPlace(assignmentId: $a) { status } }', { a: held.id }, holder)).offerPlace;
    assert.equal(offer.status, 'TAKEN', 'the offered place went to the waitlist');
    await listBadge.filter({ hasText: 'Confirmed' }).waitFor();
    await detailBadge.filter({ hasText: 'Confirmed' }).waitFor();
    await list.screenshot({ path: join(shotsDir, 'day-08-waitlist-confirmed.png') });
    for (const p of [list, detail]) assert.equal(await p.evaluate(() => window.__sinceStart), true, `${p.url()} was reloaded`);
    assert.deepEqual(errors, [], 'console errors');
  });
});
