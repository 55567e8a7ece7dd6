// Subscriptions across instances with the real graphql-ws client: three
// server processes share one database (a SQLite file) and one Redis
// (KONULLU_TEST_REDIS_URL); a subscriber on each instance hears a signup
// made through another, a volunteer is refused a centre's activity, and
// suspending an account ends its live connection.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { freePort, gql, repo } from './harness.mjs';

const redisURL = process.env.KONULLU_TEST_REDIS_URL;
const admin = { email: 'admin@live.konullu.az', password: 'live-test-password' };
const children = [];
let work;
let urls = [];

async function launch(bin, env) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const out = createWriteStream(join(work, `server-${port}.log`));
  const child = spawn(bin, ['serve'], {
    cwd: work,
    env: { ...process.env, KONULLU_ADDR: `127.0.0.1:${port}`, KONULLU_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  children.push(child);
  for (const deadline = Date.now() + 120_000; ; ) {
    try {
      if ((await fetch(`${url}/readyz`)).ok) return url;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`instance on ${port} did not start; see ${work}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A graphql-ws client of an instance, signed in with token. */
function client(url, token) {
  return createClient({
    url: url.replace('http', 'ws') + '/graphql',
    webSocketImpl: WebSocket,
    connectionParams: { Authorization: `Bearer ${token}` },
    retryAttempts: 0,
    lazy: false,
  });
}

/** Subscribes and collects what arrives; done settles with how it ended. */
function watch(c, query, variables) {
  const got = [];
  const waiters = [];
  let ended;
  const done = new Promise((resolve) => {
    c.subscribe(
      { query, variables },
      {
        next: (v) => {
          got.push(v);
          waiters.splice(0).forEach((w) => w());
        },
        error: (e) => resolve((ended = { error: e })),
        complete: () => resolve((ended = { complete: true })),
      },
    );
  });
  return {
    got,
    done,
    /** Waits until pred holds of one received value. */
    async until(pred) {
      for (;;) {
        const hit = got.find(pred);
        if (hit) return hit;
        if (ended) throw new Error(`the subscription ended: ${JSON.stringify(ended)}`);
        await new Promise((r) => waiters.push(r));
      }
    },
  };
}

/**
 * Resolves once the server has read everything sent before on this
 * connection: it reads messages in order and answers a query (which it
 * serves over HTTP only) with an error at once.
 */
function barrier(c) {
  return new Promise((resolve) => c.subscribe({ query: '{ __typename }' }, { next() {}, error: resolve, complete: resolve }));
}

/** Resolves once the client's connection is acknowledged. */
function connected(c) {
  return new Promise((resolve, reject) => {
    const off = c.on('connected', () => (off(), resolve()));
    c.on('closed', (e) => reject(new Error(`closed ${e.code} ${e.reason}`)));
  });
}

const activity = `subscription($c: ID!) { centreActivity(centreId: $c) { kind shift { id } assignment { id volunteer { fullName } } } }`;

describe('subscriptions across three instances (graphql-ws)', { skip: redisURL ? false : 'KONULLU_TEST_REDIS_URL is not set' }, () => {
  let centreId, shiftId, coordinator, volunteer, volunteerUserId, adminToken;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'konullu-live-'));
    const bin = join(work, 'konullu');
    execFileSync('go', ['build', '-o', bin, './server'], { cwd: repo, stdio: 'inherit' });
    const env = {
      KONULLU_DATABASE_URL: `sqlite:${join(work, 'konullu.db')}`,
      KONULLU_REDIS_URL: redisURL,
      KONULLU_ADMIN_EMAIL: admin.email,
      KONULLU_ADMIN_PASSWORD: admin.password,
      KONULLU_DEMO: '0',
      KONULLU_JOBS: 'off',
    };
    urls.push(await launch(bin, env)); // the first migrates the database
    urls.push(...(await Promise.all([launch(bin, env), launch(bin, env)])));

    adminToken = (await gql(urls[0], `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`, { e: admin.email, p: admin.password })).login.token;
    centreId = (await gql(urls[0], `mutation { createCentre(input: {name: "Live test centre", city: "Bakı", timezone: "Asia/Baku"}) { id } }`, {}, adminToken)).createCentre.id;
    const positionId = (await gql(urls[1], `mutation { createPosition(input: {name: "Live greeter"}) { id } }`, {}, adminToken)).createPosition.id;
    const register = async (url, email, fullName) =>
      (
        await gql(url, `mutation($in: RegisterInput!) { register(input: $in) { token user { id } } }`, {
          in: { email, password: 'live-test-password', fullName, birthDate: '2001-04-02' },
        })
      ).register;
    const coord = await register(urls[2], `coord-${Date.now()}@live.konullu.az`, 'Rauf Quliyev');
    await gql(urls[2], `mutation($u: ID!, $c: ID!) { grantRole(userId: $u, role: COORDINATOR, centreIds: [$c]) { id } }`, { u: coord.user.id, c: centreId }, adminToken);
    coordinator = coord.token;
    const vol = await register(urls[1], `vol-${Date.now()}@live.konullu.az`, 'Aysel Məmmədova');
    volunteer = vol.token;
    volunteerUserId = vol.user.id;
    const startsAt = new Date(Date.now() + 48 * 3600_000);
    startsAt.setUTCMinutes(0, 0, 0);
    const endsAt = new Date(startsAt.getTime() + 4 * 3600_000);
    shiftId = (
      await gql(
        urls[0],
        `mutation($in: CreateShiftsInput!) { createShifts(input: $in) { id } }`,
        { in: { centreId, positionId, startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString(), capacity: 3, publish: true } },
        coordinator,
      )
    ).createShifts[0].id;
  });

  after(async () => {
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map((c) => (c.exitCode !== null ? null : new Promise((r) => c.on('exit', r)))));
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('delivers a signup made on one instance to subscribers on every instance', async () => {
    const clients = urls.map((u) => client(u, coordinator));
    await Promise.all(clients.map(connected));
    const watches = clients.map((c) => watch(c, activity, { c: centreId }));
    await Promise.all(clients.map(barrier));
    const signed = await gql(urls[1], `mutation($s: ID!) { signUp(shiftId: $s) { id } }`, { s: shiftId }, volunteer);
    const events = await Promise.all(
      watches.map((w) => w.until((v) => v.data?.centreActivity?.assignment?.id === signed.signUp.id)),
    );
    for (const e of events) {
      assert.equal(e.data.centreActivity.kind, 'SIGNED_UP');
      assert.equal(e.data.centreActivity.shift.id, shiftId);
      assert.equal(e.data.centreActivity.assignment.volunteer.fullName, 'Aysel Məmmədova');
    }
    await Promise.all(clients.map((c) => c.dispose()));
  });

  it('refuses a centre’s activity to a volunteer', async () => {
    const c = client(urls[2], volunteer);
    const w = watch(c, activity, { c: centreId });
    const end = await w.done;
    assert.ok(end.error, `want an error, got ${JSON.stringify(end)}`);
    assert.equal(end.error[0]?.extensions?.code, 'FORBIDDEN');
    await c.dispose();
  });

  it('refuses a bad token with 4403', async () => {
    const c = client(urls[0], 'x'.repeat(43));
    const closed = await new Promise((resolve) => c.on('closed', resolve));
    assert.equal(closed.code, 4403);
    await c.dispose();
  });

  it('ends the connection when the account is suspended on another instance', async () => {
    const c = client(urls[0], volunteer);
    await connected(c);
    const closed = new Promise((resolve) => c.on('closed', resolve));
    const w = watch(c, `subscription { myNotifications { id } }`);
    await barrier(c);
    await gql(urls[2], `mutation($u: ID!) { suspendUser(userId: $u, reason: "live test") { suspended } }`, { u: volunteerUserId }, adminToken);
    const e = await closed;
    assert.equal(e.code, 4403);
    await w.done;
    await c.dispose();
  });
});
