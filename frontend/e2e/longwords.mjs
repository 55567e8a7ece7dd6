// The longest strings each language has, put where a phone has least room:
// the longest words of the app's own translations (read from src/i18n), the
// longest names people and places really have, every status a place can be
// in, and dates on every weekday and in every month. seedLongData creates
// them through the API on a running server, for the phone's tour of every
// page in every language (app.test.mjs), which checks that they still fit.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { frontend, gql } from './harness.mjs';

/** The longest word (letters, digits and hyphens) of each language's messages. */
export function longestWords() {
  const out = {};
  for (const lang of ['az', 'en', 'ru']) {
    const source = readFileSync(join(frontend, 'src', 'i18n', `${lang}.ts`), 'utf8');
    let longest = '';
    for (const [, text] of source.matchAll(/:\s*'((?:[^'\\]|\\.)*)'/g)) {
      for (const word of text.replace(/\{[^}]*\}/g, ' ').match(/[\p{L}\p{N}-]+/gu) ?? []) {
        // Words people read, not API names quoted in a message (recordGuardianConsent).
        if (word.length > longest.length && !/\p{Ll}\p{Lu}/u.test(word)) longest = word;
      }
    }
    out[lang] = longest;
  }
  return out;
}

const cap = (w) => w.charAt(0).toLocaleUpperCase() + w.slice(1);

/** The strings of the data, each at or near its field's limit. */
export function longStrings() {
  const w = longestWords();
  const words = `${cap(w.az)} ${cap(w.ru)} ${cap(w.en)}`;
  return {
    words: w,
    // 200 characters at most (fullName), long words that cannot break.
    volunteer: `Gülnarəxanım-Məleykəxanım Məmmədhüseynzadə-Əbdürrəhmanbəyova Константинопольская-Высокопревосходительская ${cap(w.az)}`.slice(0, 200),
    coordinator: `Александра-Вильгельмина Достопримечательностейкова-Человеконенавистническая ${cap(w.ru)}`.slice(0, 200),
    city: 'Petropavlovsk-Kamçatski-Mingəçevir-Naftalan-Şuşa-Dnepropetrovsk'.slice(0, 100),
    centre: `ASAN xidmət ${words} Vətəndaşlara-Elektron-Xidmətlərin-Göstərilməsi Mərkəzi №12345678901234567890`.slice(0, 200),
    address: `Heydər Əliyev prospekti 123456789/987654321, www.vetendaslara-elektron-xidmetlerin-gosterilmesi-agentliyi.gov.az ${words}`.slice(0, 300),
    position: `Высококвалифицированный-консультант-доброволец Vətəndaşlarınqeydiyyatdankeçirilməsi ${words}`.slice(0, 200),
    skills: [`İlkyardımgöstərilməsi-${w.az}`, `Делопроизводство-${w.ru}`, `Internationalization-${w.en}`],
    reason: `Привлечённые-высококвалифицированные-специалисты не смогут прийти: ${words} ${w.az}${w.ru}${w.en}`,
    note: `Xəbərdarlıqetmədənişəgəlməmişdir ${words}`,
    email: (tag) => `gulnarexanim.memmedhuseynzade.ebdurrehmanbeyova.${tag}@vetendaslara-elektron-xidmetler.example.az`,
  };
}

const day = 86_400_000;
/** The Baku wall-clock time hh:mm on the date `days` from today in Baku, as an instant. */
function bakuAt(days, hh, mm = 0) {
  const baku = new Date(Date.now() + 4 * 3600_000 + days * day);
  return new Date(Date.UTC(baku.getUTCFullYear(), baku.getUTCMonth(), baku.getUTCDate(), hh - 4, mm));
}

/**
 * Creates, on the demo server at url: a centre, a position and a volunteer
 * with the longest names; their coordinator; places in every status on
 * every weekday of the next week and in each of the last twelve months; a
 * cancelled shift with a long reason. Returns the accounts and some ids.
 */
export async function seedLongData(url, adminEmail, password) {
  const s = longStrings();
  const tag = Date.now();
  const admin = (await gql(url, 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }', { e: adminEmail, p: password })).login.token;
  const centre = (await gql(url, 'mutation($i: CentreInput!) { createCentre(input: $i) { id } }', { i: { name: s.centre, city: s.city, address: s.address, timezone: 'Asia/Baku' } }, admin)).createCentre;
  const position = (await gql(url, 'mutation($i: PositionInput!) { createPosition(input: $i) { id } }', { i: { name: s.position, description: s.reason } }, admin)).createPosition;

  const register = 'mutation($i: RegisterInput!) { register(input: $i) { token user { id volunteer { id } } } }';
  const volunteer = { email: s.email(`v${tag}`), password: 'a-long-enough-password', name: s.volunteer };
  const v = (await gql(url, register, { i: { email: volunteer.email, password: volunteer.password, fullName: s.volunteer, birthDate: '1999-09-29', city: s.city, phone: '+994 50 123 45 67' } })).register;
  await gql(url, 'mutation($i: ProfileInput!) { updateMyProfile(input: $i) { id } }', { i: { languages: ['az', 'ru', 'en'] } }, v.token);
  await gql(url, 'mutation($v: ID!, $s: [String!]!) { setVolunteerSkills(volunteerId: $v, skills: $s) { id } }', { v: v.user.volunteer.id, s: s.skills }, admin);
  const coordinator = { email: s.email(`c${tag}`), password: 'a-long-enough-password', name: s.coordinator };
  const c = (await gql(url, register, { i: { email: coordinator.email, password: coordinator.password, fullName: s.coordinator, birthDate: '1988-11-30', city: s.city } })).register;
  await gql(url, 'mutation($u: ID!, $c: [ID!]) { grantRole(userId: $u, role: COORDINATOR, centreIds: $c) { id } }', { u: c.user.id, c: [centre.id] }, admin);
  const filler = (await gql(url, register, { i: { email: s.email(`f${tag}`), password: 'a-long-enough-password', fullName: `${s.coordinator} Второй`.slice(0, 200), birthDate: '1995-05-05', city: s.city } })).register;

  const coord = c.token;
  const create = async (startsAt, endsAt, capacity = 1) =>
    (
      await gql(url, 'mutation($i: CreateShiftsInput!) { createShifts(input: $i) { id } }', {
        i: { centreId: centre.id, positionId: position.id, startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString(), capacity, publish: true },
      }, coord)
    ).createShifts[0].id;
  const signUp = async (shift, token) => (await gql(url, 'mutation($s: ID!) { signUp(shiftId: $s) { id status } }', { s: shift }, token)).signUp;
  const assign = async (shift, who) => (await gql(url, 'mutation($s: ID!, $v: ID!) { assignVolunteer(shiftId: $s, volunteerId: $v) { id } }', { s: shift, v: who }, coord)).assignVolunteer;

  // Next week, every weekday: confirmed, one waitlisted, one withdrawn, one cancelled by the centre.
  const upcoming = [];
  for (let d = 2; d <= 8; d++) upcoming.push(await create(bakuAt(d, 16), bakuAt(d, 20)));
  await assign(upcoming[1], filler.user.volunteer.id);
  for (const id of upcoming) {
    const a = await signUp(id, v.token);
    if (id === upcoming[2]) await gql(url, 'mutation($a: ID!) { withdraw(assignmentId: $a) { id } }', { a: a.id }, v.token);
  }
  await gql(url, 'mutation($id: ID!, $r: String!) { cancelShift(id: $id, reason: $r) { id } }', { id: upcoming[3], r: s.reason }, coord);
  // Starting in 20 minutes: checked in.
  const soon = await create(new Date(Date.now() + 20 * 60_000), new Date(Date.now() + 50 * 60_000));
  const here = await signUp(soon, v.token);
  await gql(url, 'mutation($a: ID!) { checkIn(assignmentId: $a) { id } }', { a: here.id }, v.token);
  // The last twelve months, the 28th at 10:00: attended or a no-show.
  const now = new Date(Date.now() + 4 * 3600_000);
  for (let m = 1; m <= 12; m++) {
    const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - m, 28, 6));
    const end = new Date(start.getTime() + 4 * 3600_000);
    // The shifts have ended: the work is credited afterwards (a no-show is a
    // credited place corrected), no one is assigned to them.
    const a = (await gql(url, 'mutation($s: ID!, $v: ID!, $i: DateTime!, $o: DateTime!) { recordPastWork(shiftId: $s, volunteerId: $v, checkedInAt: $i, checkedOutAt: $o) { id } }', {
      s: await create(start, end),
      v: v.user.volunteer.id,
      i: new Date(start.getTime() + 5 * 60_000).toISOString(),
      o: new Date(end.getTime() - 10 * 60_000).toISOString(),
    }, coord)).recordPastWork;
    if (m % 2) {
      await gql(url, 'mutation($a: ID!, $n: String!) { markNoShow(assignmentId: $a, note: $n) { id } }', { a: a.id, n: s.note }, coord);
    }
  }
  return { strings: s, volunteer, coordinator, centreId: centre.id, upcoming, firstDay: bakuAt(2, 12).toISOString().slice(0, 10) };
}
