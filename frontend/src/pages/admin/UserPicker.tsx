// Picks an account by typing part of a name or an email: the matches are
// listed as they are typed (from two letters), each with a button to choose
// it; the chosen one is shown by name with a button to change it.
import { useEffect, useId, useState } from 'react';
import { useQuery } from '../../api/hooks';
import { FindUsersDocument } from '../../gql/graphql';
import { Button, ErrorAlert, Loading } from '../../components/ui';
import { useAdminText } from './messages';

export interface PickedUser {
  id: string;
  name: string;
  email: string;
  volunteerId: string | null;
}

export function UserPicker({
  label,
  value,
  onChange,
  name,
  error,
}: {
  label: string;
  value: PickedUser | null;
  onChange: (u: PickedUser | null) => void;
  /** The search field's name (tests and autofill find it by it). */
  name: string;
  error?: string | undefined;
}) {
  const at = useAdminText();
  const id = useId();
  const [text, setText] = useState('');
  const [search, setSearch] = useState('');
  useEffect(() => {
    const t = setTimeout(() => setSearch(text.trim()), 250);
    return () => clearTimeout(t);
  }, [text]);
  const q = useQuery(FindUsersDocument, { search }, { skip: value !== null || search.length < 2 });

  if (value) {
    return (
      <div className="field">
        <span className="label" id={`${id}-label`}>
          {label}
        </span>
        <p className="picked" aria-labelledby={`${id}-label`}>
          <span className="strong">{value.name}</span> {value.email && value.email !== value.name && <span className="muted small">{value.email}</span>}{' '}
          <Button size="small" variant="ghost" onClick={() => onChange(null)}>
            {at('adm.change')}
          </Button>
        </p>
      </div>
    );
  }
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  return (
    <div className={error ? 'field field-invalid' : 'field'}>
      <label htmlFor={id}>{label}</label>
      <p className="field-hint" id={hintId}>
        {at('adm.findPersonHint')}
      </p>
      <input
        id={id}
        name={name}
        type="search"
        value={text}
        placeholder={at('adm.findPerson')}
        onChange={(e) => setText(e.target.value)}
        autoComplete="off"
        aria-describedby={error ? `${hintId} ${errorId}` : hintId}
        aria-invalid={error ? true : undefined}
      />
      {error && (
        <p className="field-error" id={errorId}>
          {error}
        </p>
      )}
      {search.length >= 2 && (
        <div aria-live="polite">
          {q.error && <ErrorAlert error={q.error} onRetry={q.refetch} />}
          {q.loading && !q.data && <Loading />}
          {q.data && q.data.users.length === 0 && <p className="muted small">{at('adm.noMatch', { search })}</p>}
          {q.data && q.data.users.length > 0 && (
            <ul className="plain-list pick-list" aria-label={label}>
              {q.data.users.map((u) => {
                const person = u.volunteer?.fullName || u.email;
                return (
                  <li key={u.id}>
                    <span>
                      <span className="strong">{person}</span> {person !== u.email && <span className="muted small">{u.email}</span>}
                    </span>
                    <Button
                      size="small"
                      aria-label={`${at('adm.choose')}: ${person}`}
                      onClick={() => {
                        onChange({ id: u.id, name: person, email: u.email, volunteerId: u.volunteer?.id ?? null });
                        setText('');
                        setSearch('');
                      }}
                    >
                      {at('adm.choose')}
                    </Button>
                  </li>
                );
              })}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
