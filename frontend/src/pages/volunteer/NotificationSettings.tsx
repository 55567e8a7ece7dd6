// How notifications reach a person, and in which language.
import { useEffect, useState } from 'react';
import { useMutation, useQuery, type QueryState } from '../../api/hooks';
import { isMissingFeature } from '../../api/errors';
import {
  MyNotificationSettingsDocument,
  type MyNotificationSettingsQuery,
  UpdateMyNotificationSettingsDocument,
  type NotificationChannel,
  type NotificationLanguage,
} from '../../gql/graphql';
import { nativeName, useI18n, type MessageKey } from '../../i18n';
import { Alert, Button, Card, ErrorAlert, Loading } from '../../components/ui';
import { useTimeText } from '../../lib/timeMessages';

const channels: NotificationChannel[] = ['IN_APP', 'EMAIL', 'WEBHOOK'];
const notificationLanguages: NotificationLanguage[] = ['AZ', 'EN', 'RU'];

export function NotificationSettingsCard() {
  const { t } = useI18n();
  const q = useQuery(MyNotificationSettingsDocument, {});
  // A server without notification settings: there is nothing to show.
  if (isMissingFeature(q.error)) return null;
  return (
    <Card aria-labelledby="notify-heading">
      <h2 id="notify-heading" className="card-title">
        {t('settings.title')}
      </h2>
      <SettingsForm q={q} />
    </Card>
  );
}

function SettingsForm({ q }: { q: QueryState<MyNotificationSettingsQuery> }) {
  const { t } = useI18n();
  const [save, state] = useMutation(UpdateMyNotificationSettingsDocument);
  const w = useTimeText();
  // follow: the language follows the app's (saved when it is switched), unless set apart.
  const [form, setForm] = useState<{ language: NotificationLanguage; channels: NotificationChannel[]; follow: boolean } | null>(null);
  const [saved, setSaved] = useState(false);
  const current = q.data?.me?.notificationSettings;
  useEffect(() => {
    if (current && !form) setForm({ language: current.language, channels: [...current.channels], follow: current.followsAppLanguage });
  }, [current, form]);
  const appLanguage = current?.appLanguage;
  if (q.error) return <ErrorAlert error={q.error} onRetry={q.refetch} />;
  if (!form) return <Loading />;
  return (
    <form
      className="form"
      onSubmit={async (e) => {
        e.preventDefault();
        setSaved(false);
        const d = await save({
          input: form.follow ? { channels: form.channels, followAppLanguage: true } : { language: form.language, channels: form.channels, followAppLanguage: false },
        });
        if (d) {
          const s = d.updateMyNotificationSettings;
          setForm({ language: s.language, channels: [...s.channels], follow: s.followsAppLanguage });
          setSaved(true);
        }
      }}
    >
      {saved && <Alert tone="success" title={t('settings.saved')} />}
      {state.error && <ErrorAlert error={state.error} />}
      <fieldset className="fieldset">
        <legend>{t('settings.channels')}</legend>
        <div className="check-list">
          {channels.map((c) => (
            <label key={c} className="check">
              <input
                type="checkbox"
                checked={c === 'IN_APP' || form.channels.includes(c)}
                disabled={c === 'IN_APP'}
                onChange={(e) =>
                  setForm({ ...form, channels: e.target.checked ? [...form.channels, c] : form.channels.filter((x) => x !== c) })
                }
              />
              <span>
                {t(`settings.channel.${c}` as MessageKey)}
                {c === 'IN_APP' && <span className="muted small"> — {t('settings.alwaysOn')}</span>}
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset className="fieldset">
        <legend>{t('settings.language')}</legend>
        <p className="muted small">{w('notify.languageLead')}</p>
        <div className="check-list">
          <label className="check">
            <input type="radio" name="notify-language-mode" checked={form.follow} onChange={() => setForm({ ...form, follow: true })} />
            <span>{appLanguage ? w('notify.follow', { lang: nativeName[appLanguage.toLowerCase() as 'az' | 'en' | 'ru'] }) : w('notify.followUnknown')}</span>
          </label>
          <label className="check">
            <input type="radio" name="notify-language-mode" checked={!form.follow} onChange={() => setForm({ ...form, follow: false })} />
            <span>{w('notify.apart')}</span>
          </label>
        </div>
        {!form.follow && (
          <div className="field">
            <label htmlFor="notify-language">{t('settings.language')}</label>
            <select id="notify-language" value={form.language} onChange={(e) => setForm({ ...form, language: e.target.value as NotificationLanguage })}>
              {notificationLanguages.map((l) => (
                <option key={l} value={l}>
                  {nativeName[l.toLowerCase() as 'az' | 'en' | 'ru']}
                </option>
              ))}
            </select>
          </div>
        )}
      </fieldset>
      <div>
        <Button type="submit" variant="primary" busy={state.pending}>
          {t('action.save')}
        </Button>
      </div>
    </form>
  );
}
