// The youth programme's funnel on the staff dashboard: applied →
// interviewed → accepted → trained → first shift → active after 90 days for
// the applications of the dashboard's period, all cohorts or one, with the
// days to the first shift, training by course and expiring qualifications.
import { useMemo, useState } from 'react';
import { useQuery } from '../../api/hooks';
import { ProgrammeFunnelDocument, type FunnelFieldsFragment } from '../../gql/graphql';
import { useI18n } from '../../i18n';
import { Button, Card, ErrorAlert, Field, Loading, ScrollRegion, Stat } from '../../components/ui';
import { SimpleChart } from '../../components/Chart';
import { formatNumber, formatPercent } from '../../lib/format';
import { useReportDownload } from '../../lib/download';
import { isMissingFeature } from '../../api/errors';
import { useFunnelT, type FunnelKey } from './funnelMessages';

const colors = { brand: '#0b5cad', teal: '#0f7b6c', amber: '#b45309' };

// The dashboard's days are Baku's (UTC+4 all year): [from 00:00, the day after to 00:00).
const bakuStart = (date: string) => `${date}T00:00:00+04:00`;
function dayAfter(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

const stages: { key: keyof FunnelFieldsFragment; label: FunnelKey }[] = [
  { key: 'applied', label: 'funnel.stage.applied' },
  { key: 'interviewed', label: 'funnel.stage.interviewed' },
  { key: 'accepted', label: 'funnel.stage.accepted' },
  { key: 'trained', label: 'funnel.stage.trained' },
  { key: 'firstShift', label: 'funnel.stage.firstShift' },
  { key: 'activeAfter90Days', label: 'funnel.stage.active90' },
];

export function ProgrammeFunnel({ from, to, valid }: { from: string; to: string; valid: boolean }) {
  const ft = useFunnelT();
  const { lang, locale } = useI18n();
  const [cohortId, setCohortId] = useState('');
  const q = useQuery(ProgrammeFunnelDocument, { from: bakuStart(from), to: bakuStart(dayAfter(to)), cohortId: cohortId || null }, { skip: !valid });
  const r = q.data?.programmeReport;
  const { exporting, exportError, exportFile: download } = useReportDownload();

  const chart = useMemo(() => {
    if (!r) return null;
    return {
      labels: stages.map((s) => ft(s.label)),
      series: [{ label: ft('funnel.count'), values: stages.map((s) => r.totals[s.key] as number), color: colors.brand }],
      courses: r.courseCompletion.map((c) => c.name),
      courseSeries: [
        { label: ft('funnel.enrolled'), values: r.courseCompletion.map((c) => c.enrolled), color: colors.brand },
        { label: ft('funnel.completed'), values: r.courseCompletion.map((c) => c.completed), color: colors.teal },
      ],
    };
  }, [r, ft]);

  function exportFile(file: string) {
    const params = new URLSearchParams({ from, to, lang });
    if (cohortId) params.set('cohortId', cohortId);
    return download(file, params);
  }

  if (isMissingFeature(q.error)) return null;
  const days = r?.totals.daysToFirstShift;
  return (
    <Card className="chart-card chart-card-wide funnel" aria-labelledby="funnel-title">
      <div className="card-head">
        <h2 className="card-title" id="funnel-title">
          {ft('funnel.title')}
        </h2>
        <p className="muted small">{ft('funnel.lead')}</p>
      </div>
      <div className="toolbar">
        <Field label={ft('funnel.cohort')}>
          {(p) => (
            <select {...p} value={cohortId} onChange={(e) => setCohortId(e.target.value)}>
              <option value="">{ft('funnel.allCohorts')}</option>
              {q.data?.cohorts.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div className="export-group" role="group" aria-label={ft('funnel.export')}>
          <div className="button-row">
            {[
              ['programme-funnel.csv', 'CSV'],
              ['programme-funnel.xlsx', 'XLSX'],
            ].map(([file, kind]) => (
              <Button key={file} size="small" icon="download" busy={exporting === file} disabled={!valid || exporting !== null} onClick={() => void exportFile(file!)}>
                {ft('funnel.export')} · {kind}
              </Button>
            ))}
          </div>
        </div>
      </div>
      {exportError && <ErrorAlert error={exportError} />}
      {q.error && <ErrorAlert error={q.error} onRetry={q.refetch} />}
      {!r && !q.error && valid && <Loading />}
      {r && chart && (
        <div aria-busy={q.loading}>
          {r.totals.applied === 0 ? (
            <p className="muted">{ft('funnel.empty')}</p>
          ) : (
            <>
              <SimpleChart kind="bar" horizontal labels={chart.labels} series={chart.series} ariaLabel={ft('funnel.chart')} locale={locale} height={240} />
              <ScrollRegion label={ft('funnel.chart')}>
                <table className="table" data-testid="funnel-table">
                  <caption className="visually-hidden">{ft('funnel.chart')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{ft('funnel.cohort')}</th>
                      {stages.map((s) => (
                        <th key={s.key} scope="col" className="num">
                          {ft(s.label)}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {[...r.byCohort, r.totals].map((row) => (
                      <FunnelRow key={row.cohort?.id ?? 'total'} row={row} label={row.cohort ? row.label : ft('funnel.allCohorts')} locale={locale} />
                    ))}
                  </tbody>
                </table>
              </ScrollRegion>
              <p className="muted small">{ft('funnel.due', { count: r.totals.dueFor90Days })}</p>
              <h3 className="card-subtitle">{ft('funnel.days')}</h3>
              {days && days.count > 0 ? (
                <div className="stats">
                  <Stat label={ft('funnel.days.median')} value={formatNumber(days.median, locale)} />
                  <Stat label={ft('funnel.days.p25')} value={formatNumber(days.p25, locale)} />
                  <Stat label={ft('funnel.days.p75')} value={formatNumber(days.p75, locale)} />
                  <Stat label={ft('funnel.days.p90')} value={formatNumber(days.p90, locale)} />
                </div>
              ) : (
                <p className="muted">{ft('funnel.days.none')}</p>
              )}
              <h3 className="card-subtitle">{ft('funnel.courses')}</h3>
              {!r.training ? (
                <p className="muted">{ft('funnel.noTraining')}</p>
              ) : r.courseCompletion.length === 0 ? (
                <p className="muted">{ft('funnel.noCourses')}</p>
              ) : (
                <>
                  <SimpleChart kind="bar" labels={chart.courses} series={chart.courseSeries} ariaLabel={ft('funnel.courses')} locale={locale} height={220} />
                  <ScrollRegion label={ft('funnel.courses')}>
                    <table className="table">
                      <thead>
                        <tr>
                          <th scope="col">{ft('funnel.course')}</th>
                          <th scope="col" className="num">{ft('funnel.enrolled')}</th>
                          <th scope="col" className="num">{ft('funnel.completed')}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {r.courseCompletion.map((c) => (
                          <tr key={c.courseId}>
                            <th scope="row">{c.name}</th>
                            <td className="num">{formatNumber(c.enrolled, locale)}</td>
                            <td className="num">{formatNumber(c.completed, locale)}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </ScrollRegion>
                </>
              )}
              {r.training && (
                <>
                  <h3 className="card-subtitle">{ft('funnel.expiring')}</h3>
                  {r.expiringQualifications.length === 0 ? (
                    <p className="muted">{ft('funnel.noQualifications')}</p>
                  ) : (
                    <ScrollRegion label={ft('funnel.expiring')}>
                      <table className="table">
                        <thead>
                          <tr>
                            <th scope="col">{ft('funnel.qualification')}</th>
                            <th scope="col" className="num">{ft('funnel.valid')}</th>
                            <th scope="col" className="num">{ft('funnel.within30')}</th>
                            <th scope="col" className="num">{ft('funnel.within90')}</th>
                            <th scope="col" className="num">{ft('funnel.expired')}</th>
                          </tr>
                        </thead>
                        <tbody>
                          {r.expiringQualifications.map((x) => (
                            <tr key={x.qualificationId}>
                              <th scope="row">{x.name}</th>
                              <td className="num">{formatNumber(x.valid, locale)}</td>
                              <td className="num">{formatNumber(x.expiringWithin30Days, locale)}</td>
                              <td className="num">{formatNumber(x.expiringWithin90Days, locale)}</td>
                              <td className="num">{formatNumber(x.expired, locale)}</td>
                            </tr>
                          ))}
                        </tbody>
                      </table>
                    </ScrollRegion>
                  )}
                </>
              )}
            </>
          )}
        </div>
      )}
    </Card>
  );
}

function FunnelRow({ row, label, locale }: { row: FunnelFieldsFragment; label: string; locale: string }) {
  return (
    <tr>
      <th scope="row">{label}</th>
      {stages.map((s, i) => {
        const n = row[s.key] as number;
        const before = i === 0 ? 0 : (row[stages[i - 1]!.key] as number);
        return (
          <td key={s.key} className="num">
            {formatNumber(n, locale)}
            {i > 0 && before > 0 && <span className="muted small"> ({formatPercent(n / before, locale)})</span>}
          </td>
        );
      })}
    </tr>
  );
}
