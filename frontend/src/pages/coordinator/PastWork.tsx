// Crediting work done in a shift that has ended (issue 12, "Time"): a place
// can no longer be assigned there, so the coordinator records who worked and
// when (recordPastWork).
import { useState } from 'react';
import { useMutation, useQuery } from '../../api/hooks';
import { RecordPastWorkDocument, VolunteersDocument, type ShiftCardFragment } from '../../gql/graphql';
import { useI18n } from '../../i18n';
import { Alert, Button, Card, ErrorAlert, Field } from '../../components/ui';
import { Icon } from '../../components/icons';
import { TimeInput } from '../../components/DateInput';
import { useApiFormErrors } from '../../components/forms';
import { formatHours } from '../../lib/format';
import { isPlainTime, plainDateIn, plainTimeIn } from '../../lib/time';
import { shiftInstants } from '../../lib/series';
import { useTimeText } from '../../lib/timeMessages';

export function PastWork({ shift, onRecorded }: { shift: ShiftCardFragment; onRecorded: () => void }) {
  const { t, locale } = useI18n();
  const w = useTimeText();
  const tz = shift.centre.timezone;
  const [search, setSearch] = useState('');
  const [chosen, setChosen] = useState<{ id: string; fullName: string } | null>(null);
  const [from, setFrom] = useState(plainTimeIn(shift.startsAt, tz));
  const [to, setTo] = useState(plainTimeIn(shift.endsAt, tz));
  const [done, setDone] = useState<string | null>(null);
  const term = search.trim();
  const found = useQuery(VolunteersDocument, { search: term, status: 'ACTIVE', first: 8 }, { skip: term.length < 2 });
  const [record, state] = useMutation(RecordPastWorkDocument);
  const { fieldError, formError } = useApiFormErrors(state.error, ['checkedInAt', 'checkedOutAt', 'volunteerId']);
  const people = term.length >= 2 ? (found.data?.volunteers.edges.map((e) => e.node) ?? []) : [];

  return (
    <Card aria-labelledby="past-work-heading" className="find-card">
      <div className="card-head">
        <h2 id="past-work-heading" className="card-title">
          <Icon name="check" size={20} /> {w('pastWork.title')}
        </h2>
        <p className="muted">{w('pastWork.lead')}</p>
      </div>
      <form
        className="form"
        onSubmit={async (e) => {
          e.preventDefault();
          if (!chosen || !isPlainTime(from) || !isPlainTime(to)) return;
          setDone(null);
          const { startsAt, endsAt } = shiftInstants(plainDateIn(shift.startsAt, tz), from, to, tz);
          const d = await record({ shiftId: shift.id, volunteerId: chosen.id, checkedInAt: startsAt.toISOString(), checkedOutAt: endsAt.toISOString() });
          if (d) {
            setDone(w('pastWork.done', { name: chosen.fullName, hours: formatHours(d.recordPastWork.creditedMinutes, locale) }));
            setChosen(null);
            setSearch('');
            onRecorded();
          }
        }}
      >
        {done && <Alert tone="success" title={done} />}
        {formError && <ErrorAlert error={formError} />}
        <Field label={w('pastWork.search')} hint={w('pastWork.searchHint')} error={fieldError('volunteerId')}>
          {(p) => <input {...p} type="search" value={search} autoComplete="off" onChange={(e) => setSearch(e.target.value)} />}
        </Field>
        {found.error && <ErrorAlert error={found.error} />}
        {term.length >= 2 && found.data && people.length === 0 && <p className="muted">{w('pastWork.none')}</p>}
        {people.length > 0 && (
          <div className="button-row" role="group" aria-label={w('pastWork.search')}>
            {people.map((v) => (
              <Button key={v.id} size="small" variant={chosen?.id === v.id ? 'primary' : 'secondary'} aria-pressed={chosen?.id === v.id} onClick={() => setChosen({ id: v.id, fullName: v.fullName })}>
                {v.fullName}
              </Button>
            ))}
          </div>
        )}
        {chosen && <p className="strong">{w('pastWork.chosen', { name: chosen.fullName })}</p>}
        <div className="form-row">
          <Field label={w('pastWork.arrived')} error={fieldError('checkedInAt')}>
            {(p) => <TimeInput {...p} value={from} onChange={setFrom} />}
          </Field>
          <Field label={w('pastWork.left')} error={fieldError('checkedOutAt')}>
            {(p) => <TimeInput {...p} value={to} onChange={setTo} />}
          </Field>
        </div>
        <p className="muted small">{t('create.zoneNote', { zone: tz })}</p>
        <div>
          <Button type="submit" variant="primary" busy={state.pending} disabled={!chosen || !isPlainTime(from) || !isPlainTime(to)}>
            {w('pastWork.record')}
          </Button>
        </div>
      </form>
    </Card>
  );
}
