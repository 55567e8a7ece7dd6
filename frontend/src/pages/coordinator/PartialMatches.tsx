import { useState } from 'react';
import { useMutation, useQuery } from '../../api/hooks';
import { AssignVolunteerDocument, PartialVolunteersDocument, type ShiftCardFragment } from '../../gql/graphql';
import { useI18n } from '../../i18n';
import { Alert, Badge, Button, ErrorAlert, Loading } from '../../components/ui';
import { formatHours } from '../../lib/format';
import { isMissingFeature } from '../../api/errors';
import { useBlocksText } from '../volunteer/availabilityMessages';

/**
 * Volunteers free for only part of the shift (availableVolunteers with
 * partial: true), listed after those free for all of it and marked "partly
 * free" with the time they cover. A coordinator may assign one by hand after
 * asking; nothing assigns them automatically.
 */
export function PartialMatches({ shift, onAssigned }: { shift: ShiftCardFragment; onAssigned: () => void }) {
  const { t, locale } = useI18n();
  const bt = useBlocksText();
  const q = useQuery(PartialVolunteersDocument, { shiftId: shift.id });
  const [assign, state] = useMutation(AssignVolunteerDocument);
  const [busy, setBusy] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  if (isMissingFeature(q.error)) return null;
  if (q.error) return <ErrorAlert error={q.error} onRetry={q.refetch} />;
  if (!q.data) return <Loading />;
  const list = q.data.availableVolunteers;
  const total = Math.round((Date.parse(shift.endsAt) - Date.parse(shift.startsAt)) / 60000);
  return (
    <section aria-labelledby="partial-heading" className="partial-matches">
      <h3 id="partial-heading" className="card-title">
        {bt('partial.heading')}
      </h3>
      <p className="muted small">{bt('partial.lead')}</p>
      {done && <Alert tone="success" title={t('manage.assigned', { name: done })} />}
      {state.error && <ErrorAlert error={state.error} />}
      {list.length === 0 && <p className="muted">{bt('partial.none')}</p>}
      <ul className="matches">
        {list.map((m) => (
          <li key={m.volunteer.id} className="match match-partial" data-partial="true">
            <div>
              <p className="roster-name">
                {m.volunteer.fullName} <Badge tone="warning">{bt('partial.badge')}</Badge>
              </p>
              <p className="muted small">
                {bt('partial.covers', { covered: formatHours(m.coveredMinutes, locale), total: formatHours(total, locale) })}
                {' · '}
                {t('manage.thisMonth', { hours: formatHours(m.minutesThisMonth, locale) })}
              </p>
            </div>
            <Button
              size="small"
              busy={busy === m.volunteer.id}
              disabled={busy !== null}
              aria-label={t('manage.assignName', { name: m.volunteer.fullName })}
              onClick={async () => {
                setBusy(m.volunteer.id);
                setDone(null);
                const d = await assign({ shiftId: shift.id, volunteerId: m.volunteer.id });
                setBusy(null);
                if (d) {
                  setDone(m.volunteer.fullName);
                  onAssigned();
                  void q.refetch();
                }
              }}
            >
              {t('manage.assign')}
            </Button>
          </li>
        ))}
      </ul>
    </section>
  );
}
