// "Fill automatically" on the week calendar: the roster planner proposes
// volunteers for the week's open places, the coordinator drops what they do
// not want, then applies or discards. Nothing is assigned before the apply.
import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useMutation, useQuery } from '../../api/hooks';
import {
  ApplyRosterPlanDocument,
  DiscardRosterPlanDocument,
  PlanRosterDocument,
  ProposedRosterPlansDocument,
  RosterPlanAfterDocument,
  type ApplyRosterPlanMutation,
  type RosterFairnessFieldsFragment,
  type RosterPlanFieldsFragment,
  type RosterProposalFieldsFragment,
} from '../../gql/graphql';
import { useI18n, type MessageKey } from '../../i18n';
import { Alert, Badge, Button, Card, ErrorAlert, ScrollRegion } from '../../components/ui';
import { formatHours, formatNumber, formatShortDay, formatTimeRange } from '../../lib/format';
import { toApiError, type ApiError } from '../../api/errors';
import { request } from '../../api/client';

export type Proposal = RosterProposalFieldsFragment;
type Plan = RosterPlanFieldsFragment;
type Applied = ApplyRosterPlanMutation['applyRosterPlan'];

/** What the panel shows for one centre's week. */
type Phase =
  | { kind: 'idle' }
  | { kind: 'plan'; plan: Plan; resumed: boolean }
  | { kind: 'applied'; result: Applied }
  | { kind: 'discarded' };

export interface RosterPlanner {
  phase: Phase;
  /** The plan on show, while it waits for a decision. */
  plan: Plan | undefined;
  skipped: ReadonlySet<string>;
  planning: boolean;
  deciding: boolean;
  error: ApiError | undefined;
  fill: () => Promise<void>;
  toggle: (proposalId: string) => void;
  apply: () => Promise<void>;
  discard: () => Promise<void>;
  close: () => void;
}

const sameInstant = (a: string, b: string) => new Date(a).getTime() === new Date(b).getTime();

/**
 * The planner's state for a centre and a week ([from, to) as instants).
 * A plan proposed earlier for exactly this week is shown again on return;
 * onChanged runs after an apply, so that the calendar shows the result.
 */
export function useRosterPlanner(centreId: string | undefined, from: string, to: string, onChanged: () => void): RosterPlanner {
  const week = `${centreId ?? ''}|${from}`;
  const [state, setState] = useState<{ week: string; phase: Phase; skipped: ReadonlySet<string> }>({ week, phase: { kind: 'idle' }, skipped: new Set() });
  // Plans decided here, which the list of waiting ones may still name until it is read again.
  const [gone, setGone] = useState<ReadonlySet<string>>(new Set());
  const [plan, planState] = useMutation(PlanRosterDocument);
  // Apply and discard need their error at once (a CONFLICT closes the plan), so they run here.
  const [deciding, setDeciding] = useState(false);
  const [decideError, setDecideError] = useState<ApiError | undefined>();
  const waiting = useQuery(ProposedRosterPlansDocument, { centreId: centreId ?? '' }, { skip: !centreId });

  // Another week or centre: start afresh.
  const current = state.week === week ? state : { week, phase: { kind: 'idle' } as Phase, skipped: new Set<string>() };
  let phase = current.phase;
  if (phase.kind === 'idle') {
    const earlier = waiting.data?.rosterPlans.find((p) => p.status === 'PROPOSED' && !gone.has(p.id) && sameInstant(p.from, from) && sameInstant(p.to, to));
    if (earlier) phase = { kind: 'plan', plan: earlier, resumed: true };
  }
  const shown = phase.kind === 'plan' ? phase.plan : undefined;

  const resetPlanError = planState.reset;
  const resetErrors = useCallback(() => {
    resetPlanError();
    setDecideError(undefined);
  }, [resetPlanError]);
  useEffect(resetErrors, [week, resetErrors]);

  const fill = async () => {
    if (!centreId) return;
    resetErrors();
    const d = await plan({ input: { centreId, from, to } });
    if (d) setState({ week, phase: { kind: 'plan', plan: d.planRoster, resumed: false }, skipped: new Set() });
  };
  const toggle = (id: string) => {
    const next = new Set(current.skipped);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setState({ ...current, phase, skipped: next });
  };
  const decided = (id: string, error: ApiError | undefined) => {
    // Decided here, or elsewhere meanwhile (CONFLICT): either way it no longer waits.
    if (!error || error.code === 'CONFLICT') {
      setGone(new Set([...gone, id]));
      if (error) setState({ week, phase: { kind: 'idle' }, skipped: new Set() });
    }
    void waiting.refetch();
    onChanged();
  };
  const decide = async (run: (plan: Plan) => Promise<Phase>) => {
    if (!shown) return;
    resetErrors();
    setDeciding(true);
    let error: ApiError | undefined;
    try {
      const next = await run(shown);
      setState({ week, phase: next, skipped: new Set() });
    } catch (e) {
      error = toApiError(e);
      setDecideError(error);
    } finally {
      setDeciding(false);
    }
    decided(shown.id, error);
  };
  const apply = () =>
    decide(async (p) => {
      const skip = p.proposals.filter((x) => current.skipped.has(x.id)).map((x) => x.id);
      const d = await request(ApplyRosterPlanDocument, { planId: p.id, skipProposalIds: skip });
      return { kind: 'applied', result: d.applyRosterPlan };
    });
  const discard = () =>
    decide(async (p) => {
      await request(DiscardRosterPlanDocument, { planId: p.id });
      return { kind: 'discarded' };
    });
  const close = () => setState({ week, phase: { kind: 'idle' }, skipped: new Set() });

  return {
    phase,
    plan: shown,
    skipped: current.skipped,
    planning: planState.pending,
    deciding,
    error: planState.error ?? decideError,
    fill,
    toggle,
    apply,
    discard,
    close,
  };
}

/** The plan's open places and fairness once applied, as the server counts them without the dropped proposals. */
interface After {
  openPlaces: number;
  fairness: RosterFairnessFieldsFragment;
  /** True while the server recounts after a drop (the figures shown are the last ones it gave). */
  loading: boolean;
  error: ApiError | undefined;
}

/**
 * The figures after the plan: the plan's own while nothing is dropped, else
 * the server's answer for exactly the dropped proposals (openPlacesAfter and
 * fairnessAfter with skipProposalIds), so what the panel shows is what the
 * server would leave, not a guess of the browser's.
 */
function useAfter(plan: Plan, skipped: ReadonlySet<string>): After {
  const skip = plan.proposals.filter((p) => skipped.has(p.id)).map((p) => p.id);
  const recount = useQuery(RosterPlanAfterDocument, { planId: plan.id, skipProposalIds: skip }, { skip: skip.length === 0 });
  const answer = skip.length > 0 && recount.data?.rosterPlan?.id === plan.id ? recount.data.rosterPlan : undefined;
  return {
    openPlaces: answer?.openPlacesAfter ?? plan.openPlacesAfter,
    fairness: answer?.fairnessAfter ?? plan.fairnessAfter,
    loading: skip.length > 0 && recount.loading,
    error: skip.length > 0 ? recount.error : undefined,
  };
}

/** The proposals of a plan by shift, for the calendar to show under each shift. */
export function useProposalsByShift(plan: Plan | undefined): Map<string, Proposal[]> {
  return useMemo(() => {
    const m = new Map<string, Proposal[]>();
    for (const p of plan?.proposals ?? []) {
      const list = m.get(p.shift.id) ?? [];
      list.push(p);
      m.set(p.shift.id, list);
    }
    return m;
  }, [plan]);
}

const reasonKeys: Record<string, MessageKey> = {
  available: 'roster.reason.available',
  'prefers this centre': 'roster.reason.prefersCentre',
  'prefers this position': 'roster.reason.prefersPosition',
  'fewest hours': 'roster.reason.fewestHours',
  'within commitment': 'roster.reason.withinCommitment',
};

/** A proposal's reasons in words; a reason the app does not know yet is shown as the server says it. */
export function useReasonText(): (reason: string) => string {
  const { t } = useI18n();
  return (r) => (reasonKeys[r] ? t(reasonKeys[r]) : r);
}

const refusalCodes = ['CONFLICT', 'SIGNUP_CLOSED', 'REQUIREMENT_NOT_MET', 'OVERLAPPING_SHIFT', 'NOT_FOUND', 'FORBIDDEN'];

/** Why a proposal was refused, in plain words, by its error code. */
export function refusalKey(code: string): MessageKey {
  return refusalCodes.includes(code) ? (`roster.refusal.${code}` as MessageKey) : 'roster.refusal.other';
}

/** Proposed places under a shift of the calendar: set apart from the held ones, each with its reasons and a drop switch. */
export function ProposedPlaces({ proposals, planner }: { proposals: Proposal[]; planner: RosterPlanner }) {
  const { t } = useI18n();
  const reason = useReasonText();
  return (
    <ul className="proposals" aria-label={t('roster.proposed')}>
      {proposals.map((p) => {
        const dropped = planner.skipped.has(p.id);
        return (
          <li key={p.id} className={dropped ? 'proposal proposal-dropped' : 'proposal'} data-id={p.id}>
            <span className="proposal-head">
              <span className="proposal-name">{p.volunteer.fullName}</span>
              <button
                type="button"
                className="btn btn-small btn-ghost proposal-toggle"
                aria-pressed={dropped}
                disabled={planner.deciding}
                onClick={() => planner.toggle(p.id)}
              >
                {dropped ? t('roster.keep') : t('roster.drop')}
                <span className="visually-hidden">: {p.volunteer.fullName}</span>
              </button>
            </span>
            <span className="proposal-reasons">
              {dropped && <Badge tone="neutral">{t('roster.dropped')}</Badge>} {p.reasons.map(reason).join(' · ')}
            </span>
          </li>
        );
      })}
    </ul>
  );
}

function Fairness({ before, after }: { before: RosterFairnessFieldsFragment; after: RosterFairnessFieldsFragment }) {
  const { t, locale } = useI18n();
  const rows: [MessageKey, string, string][] = [
    ['roster.fewest', formatHours(before.minMinutes, locale), formatHours(after.minMinutes, locale)],
    ['roster.most', formatHours(before.maxMinutes, locale), formatHours(after.maxMinutes, locale)],
    ['roster.mean', formatHours(before.meanMinutes, locale), formatHours(after.meanMinutes, locale)],
    ['roster.volunteers', formatNumber(before.volunteers, locale), formatNumber(after.volunteers, locale)],
  ];
  return (
    <ScrollRegion label={t('roster.fairness')}>
      <table className="table roster-fairness">
        <caption>{t('roster.fairness')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('roster.measure')}</th>
            <th scope="col">{t('roster.before')}</th>
            <th scope="col">{t('roster.after')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([k, b, a]) => (
            <tr key={k}>
              <th scope="row">{t(k)}</th>
              <td>{b}</td>
              <td>{a}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollRegion>
  );
}

/** One line about a proposal: who, which shift, when. */
function ProposalLine({ p, zone }: { p: Proposal; zone: string }) {
  const { locale } = useI18n();
  return (
    <>
      <strong>{p.volunteer.fullName}</strong> — {p.shift.position.name}, {formatShortDay(p.shift.startsAt, locale, zone)}{' '}
      <span className="nowrap">{formatTimeRange(p.shift.startsAt, p.shift.endsAt, locale, zone)}</span>
    </>
  );
}

/**
 * The plan's summary above the calendar: progress while planning, open places
 * and fairness before and after, apply and discard, then what happened.
 * shownShiftIds: the shifts on the calendar; proposals for others are listed here.
 */
export function RosterPlanPanel({ planner, zone, shownShiftIds }: { planner: RosterPlanner; zone: string; shownShiftIds: ReadonlySet<string> }) {
  const { t } = useI18n();
  const { phase, plan } = planner;
  const error = planner.error;
  const errorBox = error && (error.code === 'CONFLICT' ? <Alert tone="warning" title={t('roster.decided')} /> : <ErrorAlert error={error} />);

  if (planner.planning) {
    return (
      <Card className="roster-panel">
        <div className="loading" role="status" aria-live="polite">
          <span className="spinner" aria-hidden="true" />
          <span>{t('roster.planning')}</span>
        </div>
      </Card>
    );
  }
  if (phase.kind === 'applied') {
    const { result } = phase;
    return (
      <Card className="roster-panel" aria-labelledby="roster-result">
        <h2 id="roster-result" className="card-title">
          {t('roster.title')}
        </h2>
        <Alert tone="success" title={t('roster.applied', { count: result.assigned.length })} />
        {result.refused.length > 0 && (
          <Alert tone="warning" title={t('roster.refused', { count: result.refused.length })}>
            <ul className="roster-refusals">
              {result.refused.map((r) => (
                <li key={r.proposal.id} data-code={r.code}>
                  <ProposalLine p={r.proposal} zone={zone} />
                  <br />
                  {t(refusalKey(r.code))}
                </li>
              ))}
            </ul>
          </Alert>
        )}
        <div className="button-row">
          <Button size="small" onClick={planner.close}>
            {t('action.close')}
          </Button>
        </div>
      </Card>
    );
  }
  if (phase.kind === 'discarded') {
    return (
      <Alert
        tone="info"
        title={t('roster.discarded')}
        action={
          <Button size="small" onClick={planner.close}>
            {t('action.close')}
          </Button>
        }
      />
    );
  }
  if (!plan) return errorBox || null;

  return <PlanSummary planner={planner} plan={plan} shownShiftIds={shownShiftIds} errorBox={errorBox} />;
}

/** A plan waiting for a decision: open places and fairness before and after (the server's, without what is dropped), apply and discard. */
function PlanSummary({
  planner,
  plan,
  shownShiftIds,
  errorBox,
}: {
  planner: RosterPlanner;
  plan: Plan;
  shownShiftIds: ReadonlySet<string>;
  errorBox: ReactNode;
}) {
  const { t, locale } = useI18n();
  const { phase } = planner;
  const after = useAfter(plan, planner.skipped);
  const kept = plan.proposals.filter((p) => !planner.skipped.has(p.id));
  const elsewhere = plan.proposals.filter((p) => !shownShiftIds.has(p.shift.id));
  return (
    <Card className="roster-panel" aria-labelledby="roster-title">
      <h2 id="roster-title" className="card-title">
        {t('roster.title')}
      </h2>
      {errorBox}
      {after.error && <ErrorAlert error={after.error} />}
      {phase.kind === 'plan' && phase.resumed && <p className="muted small">{t('roster.waiting')}</p>}
      {plan.openPlacesBefore === 0 ? (
        <Alert tone="info" title={t('roster.noOpen')} />
      ) : plan.proposals.length === 0 ? (
        <Alert tone="info" title={t('roster.nothing')} />
      ) : (
        <p>{t('roster.lead')}</p>
      )}
      <div className="roster-summary" aria-busy={after.loading}>
        <div className="stat">
          <p className="stat-label">{t('roster.openPlaces')}</p>
          <p className="stat-value">
            {t('roster.beforeAfter', { before: plan.openPlacesBefore, after: after.openPlaces })}
          </p>
        </div>
        <div className="stat">
          <p className="stat-label">{t('roster.proposals', { count: plan.proposals.length })}</p>
          <p className="stat-value">{formatNumber(kept.length, locale)}</p>
          {kept.length < plan.proposals.length && <p className="stat-hint">{t('roster.droppedCount', { count: plan.proposals.length - kept.length })}</p>}
        </div>
      </div>
      {plan.proposals.length > 0 && (
        <>
          <Fairness before={plan.fairnessBefore} after={after.fairness} />
          <p className="muted small">{t('roster.afterNote')}</p>
        </>
      )}
      {elsewhere.length > 0 && (
        <>
          <h3 className="roster-subtitle">{t('roster.elsewhere')}</h3>
          <ProposedPlaces proposals={elsewhere} planner={planner} />
        </>
      )}
      <div className="button-row">
        {plan.proposals.length > 0 && (
          <Button variant="primary" icon="check" busy={planner.deciding} disabled={kept.length === 0} onClick={() => void planner.apply()}>
            {t('roster.apply')}
          </Button>
        )}
        <Button variant="ghost" icon="x" disabled={planner.deciding} onClick={() => void planner.discard()}>
          {t('roster.discard')}
        </Button>
      </div>
    </Card>
  );
}
