// A mentor books a mentee's first shift together with their own place
// (signUpWithMentee): shown on a shift's page to volunteers who have mentees.
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '../../api/hooks';
import { MyMenteesDocument, SignUpWithMenteeDocument, type ShiftCardFragment } from '../../gql/graphql';
import { useProgrammeText } from '../../i18n/programme';
import { Alert, Button, Card, ErrorAlert, Field } from '../../components/ui';
import { started } from '../../lib/shifts';

// hasPlace: the viewer holds a place already (the card stays after booking
// to say it worked).
export function BookWithMentee({ shift, hasPlace, onBooked }: { shift: ShiftCardFragment; hasPlace: boolean; onBooked: () => void }) {
  const pt = useProgrammeText();
  const q = useQuery(MyMenteesDocument, {});
  const [book, state] = useMutation(SignUpWithMenteeDocument);
  const [menteeId, setMenteeId] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const mentees = q.data?.me?.volunteer?.mentees ?? [];
  if ((hasPlace && done === null) || mentees.length === 0 || shift.status !== 'PUBLISHED' || shift.kind === 'TRAINING' || started(shift)) return null;
  const chosen = mentees.find((m) => m.id === menteeId) ?? mentees[0]!;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setDone(null);
    const d = await book({ shiftId: shift.id, menteeId: chosen.id });
    if (d) {
      setDone(chosen.fullName);
      onBooked();
    }
  }
  return (
    <Card aria-labelledby="together-heading" data-testid="book-together">
      <h2 id="together-heading" className="card-title">
        {pt('programme.together')}
      </h2>
      <p className="muted">{pt('programme.togetherLead')}</p>
      {done !== null && (
        <Alert tone="success" title={pt('programme.togetherDone')}>
          {done}
        </Alert>
      )}
      {done === null && (
      <form className="form" onSubmit={submit} noValidate>
        <Field label={pt('programme.togetherMentee')}>
          {(p) => (
            <select {...p} value={chosen.id} onChange={(e) => setMenteeId(e.target.value)}>
              {mentees.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.fullName}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div>
          <Button type="submit" variant="primary" size="small" busy={state.pending}>
            {pt('programme.togetherBook')}
          </Button>
        </div>
        {state.error && <ErrorAlert error={state.error} context="signup" />}
      </form>
      )}
    </Card>
  );
}
