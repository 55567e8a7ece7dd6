import { useEffect, useState, type FormEvent } from 'react';
import { RecordLinks } from '../../components/RecordLinks';
import { useMutation, useQuery } from '../../api/hooks';
import { MyProfileDocument, UpdateMyProfileDocument } from '../../gql/graphql';
import { useSession } from '../../auth/session';
import { languages, nativeName, useI18n, type MessageKey } from '../../i18n';
import { Alert, Badge, Button, Card, ErrorAlert, Field, Loading, Page } from '../../components/ui';
import { LanguageSwitcher } from '../../components/Layout';
import { NotificationSettingsCard } from './NotificationSettings';
import { PrivacyCard } from './Privacy';
import { SecurityCard } from './Security';
import { CommitmentCard } from './Commitment';
import { FormError, useApiFormErrors } from '../../components/forms';
import { formatDay, formatHours, formatPlainDate } from '../../lib/format';
import { qualificationName } from '../../api/errors';
import { ConsentExplainer } from '../../lib/consent';

const spoken = [...languages, 'tr', 'de', 'fr', 'ar'] as const;

export default function Profile() {
  const { t, locale, lang } = useI18n();
  const { reload } = useSession();
  const q = useQuery(MyProfileDocument, {});
  const [update, updateState] = useMutation(UpdateMyProfileDocument);
  const [form, setForm] = useState<{ fullName: string; phone: string; city: string; languages: string[] } | null>(null);
  const [saved, setSaved] = useState(false);
  const { fieldError, formError } = useApiFormErrors(updateState.error, ['fullName', 'phone', 'city', 'languages']);
  const v = q.data?.me?.volunteer;

  useEffect(() => {
    if (v && !form) setForm({ fullName: v.fullName, phone: v.phone ?? '', city: v.city ?? '', languages: [...v.languages] });
  }, [v, form]);

  if (q.error && !q.data) {
    return (
      <Page title={t('profile.title')}>
        <ErrorAlert error={q.error} onRetry={q.refetch} />
      </Page>
    );
  }
  const me = q.data?.me;
  if (!me) return <Loading />;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!form) return;
    setSaved(false);
    const d = await update({ input: { fullName: form.fullName.trim(), phone: form.phone.trim(), city: form.city.trim(), languages: form.languages } });
    if (d) {
      setSaved(true);
      void reload();
    }
  }

  return (
    <Page title={t('profile.title')} lead={me.email}>
      {v && <RecordLinks />}
      {v && <ConsentExplainer needed={v.needsGuardianConsent} recorded={v.hasGuardianConsent} />}
      <div className="detail-grid">
        <div className="stack">
          {v && form && (
            <Card aria-labelledby="profile-details">
              <h2 id="profile-details" className="card-title">
                {t('profile.details')}
              </h2>
              <form className="form" onSubmit={submit} noValidate>
                {saved && <Alert tone="success" title={t('profile.saved')} />}
                <FormError error={formError} />
                <Field label={t('field.fullName')} error={fieldError('fullName')}>
                  {(p) => <input {...p} autoComplete="name" value={form.fullName} onChange={(e) => setForm({ ...form, fullName: e.target.value })} />}
                </Field>
                <div className="form-row">
                  <Field label={t('field.phone')} optional error={fieldError('phone')}>
                    {(p) => <input {...p} type="tel" autoComplete="tel" value={form.phone} onChange={(e) => setForm({ ...form, phone: e.target.value })} />}
                  </Field>
                  <Field label={t('field.city')} optional error={fieldError('city')}>
                    {(p) => <input {...p} autoComplete="address-level2" value={form.city} onChange={(e) => setForm({ ...form, city: e.target.value })} />}
                  </Field>
                </div>
                <fieldset className="fieldset">
                  <legend>{t('profile.spoken')}</legend>
                  <div className="check-grid">
                    {spoken.map((l) => (
                      <label key={l} className="check">
                        <input
                          type="checkbox"
                          checked={form.languages.includes(l)}
                          onChange={(e) =>
                            setForm({ ...form, languages: e.target.checked ? [...form.languages, l] : form.languages.filter((x) => x !== l) })
                          }
                        />
                        {t(`lang.${l}` as MessageKey)}
                      </label>
                    ))}
                  </div>
                </fieldset>
                <Button type="submit" variant="primary" busy={updateState.pending}>
                  {t('action.save')}
                </Button>
              </form>
            </Card>
          )}
          {v && <CommitmentCard />}
        </div>
        <div className="stack">
          <Card aria-labelledby="profile-app">
            <h2 id="profile-app" className="card-title">
              {t('profile.app')}
            </h2>
            <LanguageSwitcher />
            <p className="muted small">{t('profile.languageNote', { languages: languages.map((l) => nativeName[l]).join(', ') })}</p>
          </Card>
          <NotificationSettingsCard />
          <Card aria-labelledby="profile-account">
            <h2 id="profile-account" className="card-title">
              {t('profile.account')}
            </h2>
            <dl className="facts-list">
              <div>
                <dt>{t('profile.roles')}</dt>
                <dd className="badges">
                  {me.roles.map((r) => (
                    <Badge key={r} tone="brand">
                      {t(`role.${r}` as MessageKey)}
                    </Badge>
                  ))}
                </dd>
              </div>
              {v?.birthDate && (
                <div>
                  <dt>{t('field.birthDate')}</dt>
                  <dd>{formatPlainDate(v.birthDate, locale)}</dd>
                </div>
              )}
              {v && (
                <div>
                  <dt>{t('profile.qualifications')}</dt>
                  <dd>
                    {v.qualifications.length > 0 ? (
                      <ul className="plain-list" data-testid="qualifications">
                        {v.qualifications.map((h) => {
                          const expired = h.expiresAt != null && new Date(h.expiresAt).getTime() < Date.now();
                          return (
                            <li key={h.qualification.id}>
                              <span className="strong">{qualificationName({ name: h.qualification.name, ...h.qualification.names }, lang)}</span>{' '}
                              <span className={expired ? 'text-danger' : 'muted'}>
                                ·{' '}
                                {h.expiresAt
                                  ? t(expired ? 'profile.expired' : 'profile.validUntil', { date: formatDay(h.expiresAt, locale, 'Asia/Baku', true) })
                                  : t('profile.noExpiry')}
                              </span>
                            </li>
                          );
                        })}
                      </ul>
                    ) : (
                      <span className="muted">{t('profile.noQualifications')}</span>
                    )}
                  </dd>
                </div>
              )}
              {v && (
                <div>
                  <dt>{t('my.hours')}</dt>
                  <dd>{formatHours(v.totalMinutes, locale)}</dd>
                </div>
              )}
              {v && v.trainingMinutes > 0 && (
                <div>
                  <dt>{t('profile.trainingHours')}</dt>
                  <dd>{formatHours(v.trainingMinutes, locale)}</dd>
                </div>
              )}
              {v && v.status !== 'ACTIVE' && (
                <div>
                  <dt>{t('profile.status')}</dt>
                  <dd>{t(`volunteerStatus.${v.status}` as MessageKey)}</dd>
                </div>
              )}
              <div>
                <dt>{t('profile.accountId')}</dt>
                <dd>
                  <code className="account-id">{me.id}</code>
                  <p className="muted small">{t('profile.accountIdNote')}</p>
                </dd>
              </div>
            </dl>
          </Card>
          <SecurityCard />
          <PrivacyCard />
        </div>
      </div>
    </Page>
  );
}
