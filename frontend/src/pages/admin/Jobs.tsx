// Background jobs: each by its name in the reader's language, a button to
// run it now, and the latest runs.
import { useState } from 'react';
import { useMutation, useQuery } from '../../api/hooks';
import { JobNamesDocument, JobRunsDocument, RunJobDocument } from '../../gql/graphql';
import { useI18n } from '../../i18n';
import { Button, Card, ErrorAlert, Loading, NotAvailable, ScrollRegion } from '../../components/ui';
import { formatDateTime, formatNumber } from '../../lib/format';
import { isMissingFeature } from '../../api/errors';
import { jobName, jobStatusKey, useAdminText } from './messages';

export function Jobs() {
  const at = useAdminText();
  return (
    <Card aria-labelledby="jobs-heading">
      <h2 id="jobs-heading" className="card-title">
        {at('jobs.title')}
      </h2>
      <JobList />
    </Card>
  );
}

function JobList() {
  const { t, lang, locale } = useI18n();
  const at = useAdminText();
  const names = useQuery(JobNamesDocument, {});
  const q = useQuery(JobRunsDocument, {});
  const [run, state] = useMutation(RunJobDocument);
  const [running, setRunning] = useState<string | null>(null);
  const own = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const statusText = (s: string) => {
    const k = jobStatusKey(s);
    return k ? at(k) : s;
  };
  if (isMissingFeature(q.error)) return <NotAvailable what="admin.jobs" />;
  return (
    <>
      <p className="muted">{t('admin.jobsLead')}</p>
      {names.error && <ErrorAlert error={names.error} onRetry={names.refetch} />}
      <div className="button-row">
        {names.data?.jobNames.map((j) => (
          <Button
            key={j}
            size="small"
            busy={running === j}
            disabled={running !== null}
            aria-label={at('jobs.run', { job: jobName(j, lang) })}
            onClick={async () => {
              setRunning(j);
              if (await run({ name: j })) void q.refetch();
              setRunning(null);
            }}
          >
            {jobName(j, lang)}
          </Button>
        ))}
      </div>
      {state.error && <ErrorAlert error={state.error} />}
      {q.error && <ErrorAlert error={q.error} onRetry={q.refetch} />}
      {!q.data && !q.error && <Loading />}
      {q.data && q.data.jobRuns.length === 0 && <p className="muted">{t('admin.noRuns')}</p>}
      {q.data && q.data.jobRuns.length > 0 && (
        <ScrollRegion label={at('jobs.title')}>
          <table className="table">
            <caption className="visually-hidden">{at('jobs.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('admin.job')}</th>
                <th scope="col">{t('admin.started')}</th>
                <th scope="col">{t('admin.status')}</th>
                <th scope="col" className="num">{t('admin.items')}</th>
              </tr>
            </thead>
            <tbody>
              {q.data.jobRuns.map((r) => (
                <tr key={r.id}>
                  <td>{jobName(r.job, lang)}</td>
                  <td className="nowrap">{formatDateTime(r.startedAt, locale, own)}</td>
                  <td>{statusText(r.status)}</td>
                  <td className="num">{formatNumber(r.items, locale)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
    </>
  );
}
