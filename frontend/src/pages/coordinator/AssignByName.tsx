// Assign by name (issue 12): a coordinator finds any active volunteer by
// name, email or phone and sees at once what stands in the way of each
// (Query.shiftCandidates, the same rules assignVolunteer refuses by).
import { useEffect, useState } from 'react';
import { useMutation, useQuery } from '../../api/hooks';
import { AssignVolunteerDocument, ShiftCandidatesDocument, type ShiftCardFragment } from '../../gql/graphql';
import { Alert, Button, Card, Empty, ErrorAlert, Field, Loading } from '../../components/ui';
import { Icon } from '../../components/icons';
import { fromNode, useObstacleText } from '../../lib/obstacles';
import { useAssignText } from './assignMessages';

export function AssignByName({ shift, onAssigned }: { shift: ShiftCardFragment; onAssigned: () => void }) {
  const ta = useAssignText();
  const [text, setText] = useState('');
  const [search, setSearch] = useState('');
  // Typing searches after a pause; Enter searches at once.
  useEffect(() => {
    const id = setTimeout(() => setSearch(text.trim()), 400);
    return () => clearTimeout(id);
  }, [text]);
  return (
    <Card aria-labelledby="assign-heading" className="find-card assign-card">
      <div className="card-head">
        <h2 id="assign-heading" className="card-title">
          <Icon name="user" size={20} /> {ta('assign.title')}
        </h2>
        <p className="muted">{ta('assign.lead')}</p>
      </div>
      <form
        role="search"
        aria-label={ta('assign.title')}
        className="assign-search"
        onSubmit={(e) => {
          e.preventDefault();
          setSearch(text.trim());
        }}
      >
        <Field label={ta('assign.search')} hint={ta('assign.searchHint')}>
          {(p) => <input {...p} type="search" autoComplete="off" value={text} onChange={(e) => setText(e.target.value)} />}
        </Field>
        <Button type="submit">{ta('assign.go')}</Button>
      </form>
      {search.length >= 2 && <Candidates key={search} shift={shift} search={search} onAssigned={onAssigned} />}
    </Card>
  );
}

function Candidates({ shift, search, onAssigned }: { shift: ShiftCardFragment; search: string; onAssigned: () => void }) {
  const ta = useAssignText();
  const words = useObstacleText();
  const q = useQuery(ShiftCandidatesDocument, { shiftId: shift.id, search });
  const [assign, state] = useMutation(AssignVolunteerDocument);
  const [busy, setBusy] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  if (q.error) return <ErrorAlert error={q.error} onRetry={q.refetch} />;
  if (!q.data) return <Loading />;
  const list = q.data.shiftCandidates;
  return (
    <div aria-live="polite">
      {done && <Alert tone="success" title={ta('assign.assigned', { name: done })} />}
      {state.error && <ErrorAlert error={state.error} />}
      {list.length === 0 && <Empty icon="search" title={ta('assign.none')} />}
      {list.length > 0 && (
        <ul className="matches" aria-label={ta('assign.results')}>
          {list.map((c) => {
            const blocking = c.obstacles.filter((o) => o.blocking);
            const held = c.obstacles.some((o) => o.code === 'ALREADY_ASSIGNED');
            const full = c.obstacles.some((o) => o.code === 'SHIFT_FULL');
            return (
              <li key={c.volunteer.id} className="match candidate" data-volunteer={c.volunteer.fullName}>
                <div>
                  <p className="roster-name">{c.volunteer.fullName}</p>
                  {(c.volunteer.email || c.volunteer.phone) && <p className="muted small">{[c.volunteer.phone, c.volunteer.email].filter(Boolean).join(' · ')}</p>}
                  {c.obstacles.length === 0 ? (
                    <p className="small text-success">{ta('assign.canTake')}</p>
                  ) : (
                    <ul className="obstacles small">
                      {c.obstacles.map((o, i) => (
                        <li key={i} className={o.blocking ? 'obstacle obstacle-blocking' : 'obstacle'} data-obstacle={o.code}>
                          {words(fromNode(o))}
                        </li>
                      ))}
                    </ul>
                  )}
                </div>
                {blocking.length === 0 && !held && (
                  <Button
                    size="small"
                    variant={full ? 'secondary' : 'primary'}
                    busy={busy === c.volunteer.id}
                    disabled={busy !== null}
                    aria-label={ta('assign.assignName', { name: c.volunteer.fullName })}
                    onClick={async () => {
                      setBusy(c.volunteer.id);
                      setDone(null);
                      const d = await assign({ shiftId: shift.id, volunteerId: c.volunteer.id });
                      setBusy(null);
                      if (d) {
                        setDone(c.volunteer.fullName);
                        onAssigned();
                        void q.refetch();
                      }
                    }}
                  >
                    {full ? ta('assign.waitlist') : ta('assign.assign')}
                  </Button>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
