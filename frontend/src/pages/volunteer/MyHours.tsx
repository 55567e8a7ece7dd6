import { useEffect, useState, type FormEvent } from 'react';
import { useLocation } from 'react-router';
import { useMutation, useQuery } from '../../api/hooks';
import { CatalogDocument, IssueCertificateDocument, MyCertificatesDocument, RotateCalendarUrlDocument } from '../../gql/graphql';
import { languages, nativeName, useI18n } from '../../i18n';
import { Alert, Badge, Button, Card, Empty, ErrorAlert, Field, Loading, NotAvailable, Page, Stat } from '../../components/ui';
import { FormError, useApiFormErrors } from '../../components/forms';
import { FeedLink } from '../../components/FeedLink';
import { Awards } from './Awards';
import { formatDateTime, formatHours, formatNumber, formatPlainDate } from '../../lib/format';
import { addDays, todayIn } from '../../lib/time';
import { downloadFile } from '../../lib/download';
import { ApiError, isMissingFeature, toApiError } from '../../api/errors';
import { DateInput } from '../../components/DateInput';

const zone = 'Asia/Baku';

export default function MyHours() {
  const { t, locale } = useI18n();
  const q = useQuery(MyCertificatesDocument, {});
  const [rotate, rotateState] = useMutation(RotateCalendarUrlDocument);
  const [feed, setFeed] = useState<string | null>(null);
  const v = q.data?.me?.volunteer;
  // /my-hours#certificates and #feed (the record links) land on that card.
  const { hash } = useLocation();
  useEffect(() => {
    if (v && hash) document.getElementById(hash.slice(1))?.scrollIntoView();
  }, [v, hash]);

  if (isMissingFeature(q.error)) {
    return (
      <Page title={t('hours.title')} lead={t('hours.lead')}>
        <Awards />
        <NotAvailable what="hours.title" />
      </Page>
    );
  }
  return (
    <Page title={t('hours.title')} lead={t('hours.lead')} back={{ to: '/my-shifts', label: t('nav.myShifts') }}>
      {q.error && <ErrorAlert error={q.error} onRetry={q.refetch} />}
      {!q.data && !q.error && <Loading />}
      {q.data && !v && <Empty icon="user" title={t('my.noProfile')} />}
      {v && (
        <>
          <div className="stats">
            <Stat label={t('my.hours')} value={formatHours(v.totalMinutes, locale)} />
            <Stat label={t('hours.certificates')} value={formatNumber(v.certificates.filter((c) => !c.revokedAt).length, locale)} />
          </div>
          <Awards />
          <div className="detail-grid">
            <Certificates certificates={v.certificates} onIssued={() => void q.refetch()} />
            <Card aria-labelledby="feed-heading" id="feed">
              <h2 id="feed-heading" className="card-title">
                {t('feed.title')}
              </h2>
              <p className="muted">{t('feed.lead')}</p>
              {rotateState.error && <ErrorAlert error={rotateState.error} />}
              {feed ? (
                <FeedLink
                  url={feed}
                  rotating={rotateState.pending}
                  onRotate={async () => {
                    const d = await rotate({ centreId: null });
                    if (d) setFeed(d.rotateCalendarUrl);
                    return !!d;
                  }}
                />
              ) : (
                <>
                  <p className="muted small">{t('feed.once')}</p>
                  <Button
                    busy={rotateState.pending}
                    onClick={async () => {
                      const d = await rotate({ centreId: null });
                      if (d) setFeed(d.rotateCalendarUrl);
                    }}
                  >
                    {t('feed.create')}
                  </Button>
                </>
              )}
            </Card>
          </div>
        </>
      )}
    </Page>
  );
}

type Certificate = NonNullable<NonNullable<import('../../gql/graphql').MyCertificatesQuery['me']>['volunteer']>['certificates'][number];

function Certificates({ certificates, onIssued }: { certificates: Certificate[]; onIssued: () => void }) {
  const { t, lang, locale } = useI18n();
  const today = todayIn(zone);
  const catalog = useQuery(CatalogDocument, {});
  const [form, setForm] = useState({ from: addDays(today, -365), to: addDays(today, -1), centreId: '', language: lang as string });
  const [issue, state] = useMutation(IssueCertificateDocument);
  const { fieldError, formError } = useApiFormErrors(state.error, ['from', 'to', 'centreId', 'language']);
  const [issued, setIssued] = useState(false);
  const [downloading, setDownloading] = useState<string | null>(null);
  const [downloadError, setDownloadError] = useState<ApiError | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setIssued(false);
    const d = await issue({ input: { from: form.from, to: form.to, centreId: form.centreId || null, language: form.language } });
    if (d) {
      setIssued(true);
      onIssued();
    }
  }

  return (
    <Card aria-labelledby="certificates-heading" id="certificates">
      <h2 id="certificates-heading" className="card-title">
        {t('hours.certificates')}
      </h2>
      {downloadError && <ErrorAlert error={downloadError} />}
      {certificates.length === 0 ? (
        <p className="muted">{t('hours.noCertificates')}</p>
      ) : (
        <ul className="plain-list certificate-list">
          {certificates.map((c) => (
            <li key={c.code} className="certificate">
              <div>
                <p className="strong">
                  {formatPlainDate(c.from, locale, { day: 'numeric', month: 'short', year: 'numeric' })} – {formatPlainDate(c.to, locale, { day: 'numeric', month: 'short', year: 'numeric' })}
                  {c.revokedAt && (
                    <>
                      {' '}
                      <Badge tone="danger">{t('hours.revoked')}</Badge>
                    </>
                  )}
                </p>
                <p className="muted small">
                  {formatHours(c.minutes, locale)} · {c.centre?.name ?? t('browse.allCentres')} · {t('hours.code')} <code>{c.code}</code> · {formatDateTime(c.issuedAt, locale, zone)}
                </p>
              </div>
              <div className="button-row">
                <Button
                  size="small"
                  icon="download"
                  busy={downloading === c.code}
                  onClick={async () => {
                    setDownloading(c.code);
                    setDownloadError(null);
                    try {
                      await downloadFile(c.downloadUrl, `certificate-${c.code}.pdf`);
                    } catch (e) {
                      setDownloadError(toApiError(e));
                    } finally {
                      setDownloading(null);
                    }
                  }}
                >
                  PDF<span className="visually-hidden"> {c.code}</span>
                </Button>
                <a className="btn btn-ghost btn-small" href={c.verifyUrl} target="_blank" rel="noreferrer">
                  {t('hours.verify')}
                  <span className="visually-hidden"> {c.code}</span>
                </a>
              </div>
            </li>
          ))}
        </ul>
      )}
      <h3 className="subhead">{t('hours.issue')}</h3>
      <form className="form" onSubmit={submit} noValidate>
        {issued && <Alert tone="success" title={t('hours.issued')} />}
        <FormError error={formError} />
        <div className="form-row">
          <Field label={t('dashboard.from')} error={fieldError('from')}>
            {(p) => <DateInput {...p} value={form.from} max={form.to} onChange={(v) => setForm({ ...form, from: v })} />}
          </Field>
          <Field label={t('dashboard.to')} error={fieldError('to')}>
            {(p) => <DateInput {...p} value={form.to} min={form.from} max={today} onChange={(v) => setForm({ ...form, to: v })} />}
          </Field>
        </div>
        <div className="form-row">
          <Field label={t('field.centre')} error={fieldError('centreId')}>
            {(p) => (
              <select {...p} value={form.centreId} onChange={(e) => setForm({ ...form, centreId: e.target.value })}>
                <option value="">{t('browse.allCentres')}</option>
                {catalog.data?.centres.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('hours.language')} error={fieldError('language')}>
            {(p) => (
              <select {...p} value={form.language} onChange={(e) => setForm({ ...form, language: e.target.value })}>
                {languages.map((l) => (
                  <option key={l} value={l}>
                    {nativeName[l]}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <div>
          <Button type="submit" variant="primary" busy={state.pending}>
            {t('hours.issueSubmit')}
          </Button>
        </div>
      </form>
    </Card>
  );
}
