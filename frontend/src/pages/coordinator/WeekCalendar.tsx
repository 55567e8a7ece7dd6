import { Link, useLocation, useSearchParams } from 'react-router';
import { usePagedShifts } from '../../api/paged';
import { useMutation } from '../../api/hooks';
import { useCentreActivity } from '../../api/live';
import { CentreShiftsDocument, PublishShiftsDocument } from '../../gql/graphql';
import { useI18n } from '../../i18n';
import { Alert, Button, Empty, ErrorAlert, Loading, Page } from '../../components/ui';
import { Icon } from '../../components/icons';
import { formatPlainDate, formatTimeRange, formatNumber } from '../../lib/format';
import { addDays, isPlainDate, mondayOf, plainDateIn, startOfDayIn, todayIn } from '../../lib/time';
import { ended, fillOf } from '../../lib/shifts';
import { CentrePicker } from './CentrePicker';
import { CentreFeedButton } from './CentreFeed';
import { pickCentre, useManagedCentres } from './useCentres';
import { ProposedPlaces, RosterPlanPanel, useProposalsByShift, useRosterPlanner } from './RosterPlan';
import { MessageVolunteers } from './MessageVolunteers';

export default function WeekCalendar() {
  const { t, locale } = useI18n();
  const [params, setParams] = useSearchParams();
  const managed = useManagedCentres();
  const created = (useLocation().state as { created?: number } | null)?.created;
  const centre = pickCentre(managed.centres, params.get('centre'));
  const zone = centre?.timezone ?? 'Asia/Baku';
  const today = todayIn(zone);
  const weekParam = params.get('week') ?? '';
  const monday = mondayOf(isPlainDate(weekParam) ? weekParam : today);
  const days = Array.from({ length: 7 }, (_, i) => addDays(monday, i));

  const weekFrom = startOfDayIn(monday, zone).toISOString();
  const weekTo = startOfDayIn(addDays(monday, 7), zone).toISOString();
  const shifts = usePagedShifts(
    CentreShiftsDocument,
    {
      centreId: centre?.id ?? '',
      from: weekFrom,
      to: weekTo,
      status: null,
      after: null,
    },
    { skip: !centre },
  );
  // Signups, withdrawals, check-ins and new shifts anywhere show at once.
  useCentreActivity(centre?.id, () => void shifts.refetch());
  const [publish, publishState] = useMutation(PublishShiftsDocument);
  const planner = useRosterPlanner(centre?.id, weekFrom, weekTo, () => void shifts.refetch());
  const proposalsOf = useProposalsByShift(planner.plan);

  const set = (patch: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setParams(next, { replace: true });
  };

  if (managed.error) {
    return (
      <Page title={t('calendar.title')}>
        <ErrorAlert error={managed.error} onRetry={managed.refetch} />
      </Page>
    );
  }
  if (!managed.centres) return <Loading />;
  if (!centre) {
    return (
      <Page title={t('calendar.title')}>
        <Empty icon="building" title={t('calendar.noCentres')} />
      </Page>
    );
  }

  const list = shifts.nodes ?? [];
  const live = list.filter((s) => s.status === 'PUBLISHED');
  const drafts = list.filter((s) => s.status === 'DRAFT');
  // A shift that has ended is no longer short of anyone: it is counted apart.
  const counts = { full: 0, short: 0, empty: 0, ended: 0 };
  for (const s of live) counts[ended(s) ? 'ended' : fillOf(s)]++;
  // A week that has not ended yet can be filled (the planner leaves out shifts that started).
  const fillable = addDays(monday, 7) > today;
  const weekLabel = `${formatPlainDate(monday, locale, { day: 'numeric', month: 'short' })} – ${formatPlainDate(addDays(monday, 6), locale, { day: 'numeric', month: 'short', year: 'numeric' })}`;

  return (
    <Page
      wide
      title={t('calendar.title')}
      lead={centre.name}
      actions={
        <>
        <CentreFeedButton centreId={centre.id} />
        {fillable && (
          <Button
            icon="users"
            busy={planner.planning}
            disabled={planner.deciding || !!planner.plan}
            title={t('roster.fillHint')}
            onClick={() => void planner.fill()}
          >
            {t('roster.fill')}
          </Button>
        )}
        <Link className="btn btn-primary" to={`/coordinate/new?centre=${encodeURIComponent(centre.id)}&date=${monday < today ? today : monday}`}>
          <Icon name="plus" size={18} />
          <span>{t('nav.newShifts')}</span>
        </Link>
        </>
      }
    >
      <div className="toolbar card">
        {managed.centres.length > 1 && <CentrePicker centres={managed.centres} value={centre.id} onChange={(id) => set({ centre: id })} />}
        <div className="week-nav" role="group" aria-label={t('calendar.week')}>
          <button type="button" className="icon-btn" onClick={() => set({ week: addDays(monday, -7) })} aria-label={t('calendar.prevWeek')}>
            <Icon name="left" />
          </button>
          <p className="week-label" aria-live="polite">
            {weekLabel}
          </p>
          <button type="button" className="icon-btn" onClick={() => set({ week: addDays(monday, 7) })} aria-label={t('calendar.nextWeek')}>
            <Icon name="right" />
          </button>
          {monday !== mondayOf(today) && (
            <Button size="small" variant="ghost" onClick={() => set({ week: '' })}>
              {t('calendar.thisWeek')}
            </Button>
          )}
        </div>
        <ul className="legend" aria-label={t('calendar.legend')}>
          <li>
            <span className="swatch swatch-full" aria-hidden="true" />
            {t('fill.full')} <strong>{formatNumber(counts.full, locale)}</strong>
          </li>
          <li>
            <span className="swatch swatch-short" aria-hidden="true" />
            {t('fill.short')} <strong>{formatNumber(counts.short, locale)}</strong>
          </li>
          <li>
            <span className="swatch swatch-empty" aria-hidden="true" />
            {t('fill.empty')} <strong>{formatNumber(counts.empty, locale)}</strong>
          </li>
          {counts.ended > 0 && (
            <li>
              <span className="swatch swatch-ended" aria-hidden="true" />
              {t('fill.ended')} <strong>{formatNumber(counts.ended, locale)}</strong>
            </li>
          )}
          <li>
            <span className="swatch swatch-draft" aria-hidden="true" />
            {t('shiftStatus.DRAFT')} <strong>{formatNumber(drafts.length, locale)}</strong>
          </li>
        </ul>
      </div>

      {created ? <Alert tone="success" title={t('calendar.created', { count: created })} /> : null}
      {drafts.length > 0 && (
        <Alert
          tone="info"
          title={t('calendar.draftsWaiting', { count: drafts.length })}
          action={
            <Button
              size="small"
              variant="primary"
              busy={publishState.pending}
              onClick={async () => {
                const d = await publish({ ids: drafts.map((s) => s.id) });
                if (d) void shifts.refetch();
              }}
            >
              {t('calendar.publishAll')}
            </Button>
          }
        />
      )}
      {publishState.error && <ErrorAlert error={publishState.error} />}
      <RosterPlanPanel planner={planner} zone={zone} shownShiftIds={new Set(list.map((s) => s.id))} />
      {shifts.error && <ErrorAlert error={shifts.error} onRetry={shifts.refetch} />}
      {!shifts.nodes && !shifts.error && <Loading />}
      {shifts.nodes && (
        <div className="week-grid" aria-busy={shifts.loading}>
          {days.map((d) => {
            const ofDay = list.filter((s) => plainDateIn(s.startsAt, zone) === d);
            return (
              <section key={d} className={d === today ? 'week-col week-col-today' : 'week-col'} aria-labelledby={`col-${d}`}>
                <h2 id={`col-${d}`} className="week-col-head">
                  <span className="week-col-weekday">{formatPlainDate(d, locale, { weekday: 'short' })}</span>
                  <span className="week-col-date">{formatPlainDate(d, locale, { day: 'numeric', month: 'short' })}</span>
                  {d === today && <span className="visually-hidden"> ({t('calendar.today')})</span>}
                </h2>
                {ofDay.length === 0 ? (
                  <p className="week-col-empty">{t('calendar.noShifts')}</p>
                ) : (
                  <ul className="week-shifts">
                    {ofDay.map((s) => {
                      const state = s.status === 'PUBLISHED' ? (ended(s) ? 'ended' : fillOf(s)) : s.status === 'DRAFT' ? 'draft' : 'cancelled';
                      const stateText =
                        state === 'draft' ? t('shiftStatus.DRAFT') : state === 'cancelled' ? t('shiftStatus.CANCELLED') : t(`fill.${state}`);
                      const proposed = proposalsOf.get(s.id);
                      return (
                        <li key={s.id} className={proposed ? 'cal-planned' : undefined}>
                          <Link to={`/coordinate/shifts/${s.id}`} className={`cal-shift cal-shift-${state}`}>
                            <span className="cal-shift-time">{formatTimeRange(s.startsAt, s.endsAt, locale, zone)}</span>
                            <span className="cal-shift-position">{s.position.name}</span>
                            <span className="cal-shift-fill">
                              {t('calendar.filled', { taken: s.confirmedCount, capacity: s.capacity })}
                              {s.waitlistCount > 0 && ` · +${s.waitlistCount}`}
                              <span className="cal-shift-state">{stateText}</span>
                            </span>
                          </Link>
                          {proposed && <ProposedPlaces proposals={proposed} planner={planner} />}
                        </li>
                      );
                    })}
                  </ul>
                )}
              </section>
            );
          })}
        </div>
      )}
      {shifts.truncated && <Alert tone="warning">{t('calendar.truncated')}</Alert>}
      {fillable && (
        <MessageVolunteers key={`${centre.id}-${monday}`} target={{ centreId: centre.id, from: weekFrom, to: weekTo }} lead={`${t('message.centreLead')} ${weekLabel}`} />
      )}
    </Page>
  );
}
