import { Fragment, useMemo, useState } from 'react';
import { useSpeedT } from '../../lib/speedMessages';
import { Link, useSearchParams } from 'react-router';
import { useQuery } from '../../api/hooks';
import { usePagedShifts } from '../../api/paged';
import { BrowseShiftsDocument, CatalogDocument, type MyPlaceFragment, type ObstacleFieldsFragment, type ShiftCardFragment } from '../../gql/graphql';
import { useSession } from '../../auth/session';
import { useI18n } from '../../i18n';
import { Alert, Button, Empty, ErrorAlert, Loading, Page } from '../../components/ui';
import { CentreLine, KindBadge, Places, Requirements, ShiftTime } from '../../components/shift';
import { addDays, isPlainDate, plainDateIn, startOfDayIn, todayIn } from '../../lib/time';
import { formatDay, formatPlainDate } from '../../lib/format';
import { myPlace } from '../../lib/shifts';
import { SignUpButton } from './SignUpButton';

const defaultZone = 'Asia/Baku';
// The day strip reaches the signup horizon (KONULLU_SIGNUP_HORIZON, 60 days by default).
const days = 60;
const pageSize = 20;

type Node = ShiftCardFragment & { assignments?: MyPlaceFragment[]; myObstacles?: ObstacleFieldsFragment[] };

export default function BrowseShifts() {
  const { t, locale } = useI18n();
  const { viewer } = useSession();
  const [params, setParams] = useSearchParams();
  const [loadedAt] = useState(() => new Date(Math.floor(Date.now() / 60000) * 60000));
  const catalog = useQuery(CatalogDocument, {});
  const centres = catalog.data?.centres ?? [];
  const positions = catalog.data?.positions ?? [];

  const city = params.get('city') ?? '';
  const centreId = params.get('centre') ?? '';
  const positionId = params.get('position') ?? '';
  const openOnly = params.get('open') === '1';
  const centre = centres.find((c) => c.id === centreId);
  const zone = centre?.timezone ?? centres[0]?.timezone ?? defaultZone;
  const today = todayIn(zone);
  const dateParam = params.get('date') ?? '';
  const date = isPlainDate(dateParam) && dateParam >= today ? dateParam : today;

  const set = (patch: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setParams(next, { replace: true });
  };

  const cities = useMemo(() => [...new Set(centres.map((c) => c.city))].sort((a, b) => a.localeCompare(b, locale)), [centres, locale]);
  const centresShown = city ? centres.filter((c) => c.city === city) : centres;

  // The day in the zone, from now on when it is today.
  const dayStart = startOfDayIn(date, zone);
  const from = date === today && loadedAt > dayStart ? loadedAt : dayStart;
  const to = startOfDayIn(addDays(date, 1), zone);
  const shifts = usePagedShifts(
    BrowseShiftsDocument,
    {
      centreId: centreId || null,
      from: from.toISOString(),
      to: to.toISOString(),
      openOnly,
      after: null,
      signedIn: !!viewer,
    },
    { skip: viewer === undefined },
  );

  // Places taken here, shown at once without reloading the day.
  const [changed, setChanged] = useState<Record<string, { place: MyPlaceFragment; shift: ShiftCardFragment }>>({});

  const list = (shifts.nodes ?? [])
    .map((n: Node) => (changed[n.id] ? { ...n, ...changed[n.id]!.shift, assignments: [changed[n.id]!.place] } : n))
    .filter((s) => (!city || s.centre.city === city) && (!positionId || s.position.id === positionId));

  // A day can have a hundred shifts: show them a page at a time.
  const [limit, setLimit] = useState({ key: '', count: pageSize });
  const filterKey = params.toString();
  const shownCount = limit.key === filterKey ? limit.count : pageSize;
  const visible = list.slice(0, shownCount);

  const dayChoices = Array.from({ length: days }, (_, i) => addDays(today, i));

  return (
    <Page title={t('browse.title')} lead={t('browse.lead')}>
      <form className="filters card" role="search" aria-label={t('browse.filters')} onSubmit={(e) => e.preventDefault()}>
        <div className="filters-grid">
          <div className="field">
            <label htmlFor="f-city">{t('field.city')}</label>
            <select id="f-city" value={city} onChange={(e) => set({ city: e.target.value, centre: '' })}>
              <option value="">{t('browse.allCities')}</option>
              {cities.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="f-position">{t('field.position')}</label>
            <select id="f-position" value={positionId} onChange={(e) => set({ position: e.target.value })}>
              <option value="">{t('browse.allPositions')}</option>
              {positions.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field field-wide">
            <label htmlFor="f-centre">{t('field.centre')}</label>
            <select id="f-centre" value={centreId} onChange={(e) => set({ centre: e.target.value })}>
              <option value="">{t('browse.allCentres')}</option>
              {centresShown.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field field-check">
            <input id="f-open" type="checkbox" checked={openOnly} onChange={(e) => set({ open: e.target.checked ? '1' : '' })} />
            <label htmlFor="f-open">{t('browse.openOnly')}</label>
          </div>
        </div>
        <fieldset className="day-strip">
          <legend className="visually-hidden">{t('field.date')}</legend>
          <div className="day-strip-scroll">
            {dayChoices.map((d) => (
              <label key={d} className={d === date ? 'day-chip day-chip-on' : 'day-chip'}>
                <input type="radio" name="date" value={d} checked={d === date} onChange={() => set({ date: d === today ? '' : d })} className="visually-hidden" />
                <span className="day-chip-weekday">{formatPlainDate(d, locale, { weekday: 'short' })}</span>
                <span className="day-chip-day">{formatPlainDate(d, locale, { day: 'numeric' })}</span>
                <span className="day-chip-month">{formatPlainDate(d, locale, { month: 'short' })}</span>
              </label>
            ))}
          </div>
        </fieldset>
      </form>

      {viewer?.volunteer?.status === 'PENDING' && <Alert tone="info" title={t('browse.pending')} />}
      {viewer?.volunteer?.status === 'SUSPENDED' && <Alert tone="warning" title={t('browse.suspended')} />}
      <section aria-labelledby="day-heading" className="section">
        <h2 id="day-heading" className="section-title">
          {formatDay(dayStart, locale, zone)}
          {shifts.nodes && <span className="count-pill">{t('browse.count', { count: list.length })}</span>}
        </h2>
        {catalog.error && <ErrorAlert error={catalog.error} onRetry={catalog.refetch} />}
        {shifts.error && <ErrorAlert error={shifts.error} onRetry={shifts.refetch} />}
        {!shifts.nodes && !shifts.error && <Loading />}
        {shifts.nodes && list.length === 0 && date !== today && (
          <Empty icon="calendar" title={t('browse.empty.title')}>
            <p>{t('browse.empty.text')}</p>
          </Empty>
        )}
        {shifts.nodes && list.length === 0 && date === today && (
          <NextShifts
            from={loadedAt}
            to={startOfDayIn(addDays(today, days), zone)}
            centreId={centreId}
            filter={(n) => (!city || n.centre.city === city) && (!positionId || n.position.id === positionId)}
            onPick={(d) => set({ date: d })}
          />
        )}
        {shifts.truncated && <Alert tone="info">{t('browse.truncated')}</Alert>}
        {list.length > 0 && (
          <ul className="shift-list" aria-busy={shifts.loading}>
            {visible.map((s) => (
              <ShiftItem key={s.id} shift={s} onChange={(place, shift) => setChanged((c) => ({ ...c, [s.id]: { place, shift } }))} />
            ))}
          </ul>
        )}
        {list.length > visible.length && (
          <div className="more">
            <Button onClick={() => setLimit({ key: filterKey, count: shownCount + pageSize })}>
              {t('browse.more', { count: Math.min(pageSize, list.length - visible.length) })}
            </Button>
            <p className="muted small">{t('browse.shownOf', { shown: visible.length, count: list.length })}</p>
          </div>
        )}
      </section>
    </Page>
  );
}

function ShiftItem({ shift: s, onChange }: { shift: Node; onChange: (place: MyPlaceFragment, shift: ShiftCardFragment) => void }) {
  return (
    <li className="card shift-card">
      <div className="shift-card-main">
        <p className="shift-card-time">
          <ShiftTime shift={s} />
        </p>
        <h3 className="shift-card-title" id={`shift-${s.id}-title`}>
          <Link to={`/shifts/${s.id}`}>{s.position.name}</Link> <KindBadge shift={s} />
        </h3>
        <p className="shift-card-meta">
          <CentreLine centre={s.centre} />
        </p>
        <Requirements position={s.position} />
        <Places shift={s} forVolunteer />
      </div>
      <div className="shift-card-action">
        <SignUpButton shift={s} place={myPlace(s.assignments)} obstacles={s.myObstacles} onChange={onChange} />
      </div>
    </li>
  );
}

/**
 * Today has nothing left (at night, say): the next open shifts of the
 * coming weeks instead of an empty day, each with its day to pick.
 */
function NextShifts({
  from,
  to,
  centreId,
  filter,
  onPick,
}: {
  from: Date;
  to: Date;
  centreId: string;
  filter: (n: Node) => boolean;
  onPick: (date: string) => void;
}) {
  const { locale } = useI18n();
  const ts = useSpeedT();
  const { viewer } = useSession();
  const [changed, setChanged] = useState<Record<string, { place: MyPlaceFragment; shift: ShiftCardFragment }>>({});
  const q = useQuery(BrowseShiftsDocument, {
    centreId: centreId || null,
    from: from.toISOString(),
    to: to.toISOString(),
    openOnly: true,
    after: null,
    signedIn: !!viewer,
  });
  if (q.error) return <ErrorAlert error={q.error} onRetry={q.refetch} />;
  if (!q.data) return <Loading />;
  const next = q.data.shifts.edges
    .map((e) => e.node as Node)
    .filter(filter)
    .slice(0, 5)
    .map((n) => (changed[n.id] ? { ...n, ...changed[n.id]!.shift, assignments: [changed[n.id]!.place] } : n));
  return (
    <div className="next-shifts">
      <Alert tone="info" title={ts('browse.next.title')}>
        {next.length > 0 ? ts('browse.next.lead') : ts('browse.next.none')}
      </Alert>
      {next.length > 0 && (
        <ul className="shift-list" aria-label={ts('browse.next.lead')}>
          {next.map((s, i) => {
            const day = plainDateIn(s.startsAt, s.centre.timezone);
            const newDay = i === 0 || plainDateIn(next[i - 1]!.startsAt, next[i - 1]!.centre.timezone) !== day;
            return (
              <Fragment key={s.id}>
                {newDay && <li className="next-day">
                  <Button variant="ghost" className="btn-small" onClick={() => onPick(day)}>
                    {formatPlainDate(day, locale, { weekday: 'long', day: 'numeric', month: 'long' })}
                  </Button>
                </li>}
                <ShiftItem shift={s} onChange={(place, shift) => setChanged((c) => ({ ...c, [s.id]: { place, shift } }))} />
              </Fragment>
            );
          })}
        </ul>
      )}
    </div>
  );
}
