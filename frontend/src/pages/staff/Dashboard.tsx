import { useMemo, useState, type ReactNode } from 'react';
import { useQuery } from '../../api/hooks';
import { CatalogDocument, ParticipationReportDocument, type ReportRowFieldsFragment } from '../../gql/graphql';
import { useI18n, type MessageKey } from '../../i18n';
import { Button, Card, Empty, ErrorAlert, Field, Loading, NotAvailable, Page, ScrollRegion, Stat } from '../../components/ui';
import { SimpleChart } from '../../components/Chart';
import { formatHours, formatNumber, formatPercent, formatPlainDate } from '../../lib/format';
import { isPlainDate, todayIn } from '../../lib/time';
import { useReportDownload } from '../../lib/download';
import { isMissingFeature } from '../../api/errors';
import { ProgrammeFunnel } from './ProgrammeFunnel';
import { DateInput } from '../../components/DateInput';

const zone = 'Asia/Baku';
const colors = { brand: '#0b5cad', teal: '#0f7b6c', amber: '#b45309', red: '#b42318', slate: '#64748b' };
const ageBands = ['UNDER_18', '18_21', '22_25', '26_30', 'OVER_30', 'UNKNOWN'];

function firstOfMonthBefore(date: string, months: number): string {
  const [y, m] = date.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 1 - months, 1)).toISOString().slice(0, 10);
}

export default function Dashboard() {
  const { t } = useI18n();
  return (
    <Page wide title={t('dashboard.title')} lead={t('dashboard.lead')}>
      <Report />
    </Page>
  );
}

function Report() {
  const { t, locale } = useI18n();
  const today = todayIn(zone);
  const [from, setFrom] = useState(firstOfMonthBefore(today, 5));
  const [to, setTo] = useState(today);
  const [centreId, setCentreId] = useState('');
  const catalog = useQuery(CatalogDocument, {});
  const valid = isPlainDate(from) && isPlainDate(to) && from <= to;
  const q = useQuery(ParticipationReportDocument, { from, to, centreId: centreId || null }, { skip: !valid });
  const r = q.data?.participationReport;
  const { exporting, exportError, exportFile: download } = useReportDownload();

  // Labels in the chosen language: the server's are English.
  const monthLabel = (key: string) => formatPlainDate(`${key}-01`, locale, { month: 'short', year: 'numeric' });
  const ageLabel = (key: string) => (ageBands.includes(key) ? t(`dashboard.age.${key}` as MessageKey) : key);
  const charts = useMemo(() => {
    if (!r) return null;
    const hours = (rows: readonly ReportRowFieldsFragment[]) => rows.map((x) => Math.round(x.minutes / 60));
    return {
      months: r.byMonth.map((x) => monthLabel(x.key)),
      monthHours: [{ label: t('dashboard.col.hours'), values: hours(r.byMonth), color: colors.brand }],
      retentionMonths: r.retention.map((x) => monthLabel(x.month)),
      retention: [
        { label: t('dashboard.retention.active'), values: r.retention.map((x) => x.activeVolunteers), color: colors.brand },
        { label: t('dashboard.retention.returning'), values: r.retention.map((x) => x.returning), color: colors.teal },
        { label: t('dashboard.retention.retained'), values: r.retention.map((x) => x.retained), color: colors.amber },
      ],
      centres: r.byCentre.map((x) => x.label),
      centreHours: [{ label: t('dashboard.col.hours'), values: hours(r.byCentre), color: colors.brand }],
      ages: r.byAgeBand.map((x) => ageLabel(x.key)),
      ageSeries: [
        { label: t('dashboard.col.active'), values: r.byAgeBand.map((x) => x.activeVolunteers), color: colors.teal },
        { label: t('dashboard.col.noShows'), values: r.byAgeBand.map((x) => x.noShows), color: colors.red },
      ],
    };
    // monthLabel and ageLabel depend only on locale and t.
  }, [r, t, locale]);

  function exportFile(file: string) {
    const params = new URLSearchParams({ from, to });
    if (centreId) params.set('centreId', centreId);
    return download(file, params);
  }

  if (isMissingFeature(q.error)) return <NotAvailable what="dashboard.title" />;
  return (
    <>
      <form className="toolbar card" onSubmit={(e) => e.preventDefault()} aria-label={t('dashboard.filters')}>
        <Field label={t('dashboard.from')}>{(p) => <DateInput {...p} value={from} max={to} onChange={(v) => setFrom(v)} />}</Field>
        <Field label={t('dashboard.to')} error={valid ? undefined : t('dashboard.badRange')}>
          {(p) => <DateInput {...p} value={to} min={from} onChange={(v) => setTo(v)} />}
        </Field>
        <Field label={t('field.centre')}>
          {(p) => (
            <select {...p} value={centreId} onChange={(e) => setCentreId(e.target.value)}>
              <option value="">{t('browse.allCentres')}</option>
              {catalog.data?.centres.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div className="export-group" role="group" aria-label={t('dashboard.exports')}>
          <span className="label">{t('dashboard.exports')}</span>
          <div className="button-row">
            {[
              ['participation.csv', 'dashboard.export.participation', 'CSV'],
              ['participation.xlsx', 'dashboard.export.participation', 'XLSX'],
              ['volunteer-hours.csv', 'dashboard.export.hours', 'CSV'],
              ['volunteer-hours.xlsx', 'dashboard.export.hours', 'XLSX'],
            ].map(([file, label, kind]) => (
              <Button key={file} size="small" icon="download" busy={exporting === file} disabled={!valid || exporting !== null} onClick={() => void exportFile(file!)}>
                {t(label as MessageKey)} · {kind}
              </Button>
            ))}
          </div>
        </div>
      </form>
      {exportError && <ErrorAlert error={exportError} />}
      {q.error && <ErrorAlert error={q.error} onRetry={q.refetch} />}
      {!r && !q.error && valid && <Loading />}
      {r && charts && (
        <div aria-busy={q.loading}>
          <div className="stats stats-6">
            <Stat label={t('dashboard.activeVolunteers')} value={formatNumber(r.activeVolunteers, locale)} />
            <Stat label={t('dashboard.hours')} value={formatHours(r.totalMinutes, locale)} />
            <Stat label={t('dashboard.shiftsFilled')} value={formatNumber(r.shiftsFilled, locale)} />
            <Stat label={t('dashboard.understaffed')} value={formatNumber(r.shiftsUnderstaffed, locale)} />
            <Stat label={t('dashboard.fillRate')} value={formatPercent(r.fillRate, locale)} />
            <Stat label={t('dashboard.noShowRate')} value={formatPercent(r.noShowRate, locale)} />
          </div>
          {r.totalMinutes === 0 && r.byMonth.every((x) => x.assignments === 0) ? (
            <Empty icon="chart" title={t('dashboard.empty')} />
          ) : (
            <div className="chart-grid">
              <ChartCard title={t('dashboard.hoursByMonth')} rows={r.byMonth} label={monthLabel}>
                <SimpleChart kind="bar" labels={charts.months} series={charts.monthHours} ariaLabel={t('dashboard.hoursByMonth')} locale={locale} />
              </ChartCard>
              <Card className="chart-card">
                <div className="card-head">
                  <h2 className="card-title">{t('dashboard.retention')}</h2>
                  <p className="muted small">{t('dashboard.retentionLead')}</p>
                </div>
                <SimpleChart kind="line" labels={charts.retentionMonths} series={charts.retention} ariaLabel={t('dashboard.retention')} locale={locale} />
                <details className="data-table">
                  <summary>{t('dashboard.showTable')}</summary>
                  <ScrollRegion label={t('dashboard.retention')}>
                    <table className="table">
                      <caption className="visually-hidden">{t('dashboard.retention')}</caption>
                      <thead>
                        <tr>
                          <th scope="col">{t('dashboard.month')}</th>
                          <th scope="col" className="num">{t('dashboard.retention.active')}</th>
                          <th scope="col" className="num">{t('dashboard.retention.returning')}</th>
                          <th scope="col" className="num">{t('dashboard.retention.retained')}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {r.retention.map((x) => (
                          <tr key={x.month}>
                            <th scope="row">{monthLabel(x.month)}</th>
                            <td className="num">{formatNumber(x.activeVolunteers, locale)}</td>
                            <td className="num">{formatNumber(x.returning, locale)}</td>
                            <td className="num">{formatNumber(x.retained, locale)}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </ScrollRegion>
                </details>
              </Card>
              <ChartCard title={t('dashboard.hoursByCentre')} rows={r.byCentre}>
                <SimpleChart kind="bar" horizontal labels={charts.centres} series={charts.centreHours} ariaLabel={t('dashboard.hoursByCentre')} locale={locale} height={Math.max(220, charts.centres.length * 26)} />
              </ChartCard>
              <ChartCard title={t('dashboard.byAgeBand')} rows={r.byAgeBand} label={ageLabel}>
                <SimpleChart kind="bar" labels={charts.ages} series={charts.ageSeries} ariaLabel={t('dashboard.byAgeBand')} locale={locale} />
              </ChartCard>
              <ChartCard title={t('dashboard.byPosition')} rows={r.byPosition} open />
            </div>
          )}
        </div>
      )}
      <ProgrammeFunnel from={from} to={to} valid={valid} />
    </>
  );
}

function ChartCard({
  title,
  rows,
  label,
  open,
  children,
}: {
  title: string;
  rows: readonly ReportRowFieldsFragment[];
  label?: (key: string) => string;
  open?: boolean;
  children?: ReactNode;
}) {
  const { t, locale } = useI18n();
  const table = (
    <ScrollRegion label={title}>
      <table className="table">
        <caption className="visually-hidden">{title}</caption>
        <thead>
          <tr>
            <th scope="col">{t('dashboard.col.label')}</th>
            <th scope="col" className="num">{t('dashboard.col.active')}</th>
            <th scope="col" className="num">{t('dashboard.col.hours')}</th>
            <th scope="col" className="num">{t('dashboard.col.assignments')}</th>
            <th scope="col" className="num">{t('dashboard.col.noShows')}</th>
            <th scope="col" className="num">{t('dashboard.col.fillRate')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((x) => (
            <tr key={x.key}>
              <th scope="row">{label ? label(x.key) : x.label}</th>
              <td className="num">{formatNumber(x.activeVolunteers, locale)}</td>
              <td className="num">{formatHours(x.minutes, locale)}</td>
              <td className="num">{formatNumber(x.assignments, locale)}</td>
              <td className="num">{formatNumber(x.noShows, locale)}</td>
              <td className="num">{x.fillRate == null ? '—' : formatPercent(x.fillRate, locale)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollRegion>
  );
  return (
    <Card className={open ? 'chart-card chart-card-wide' : 'chart-card'}>
      <div className="card-head">
        <h2 className="card-title">{title}</h2>
      </div>
      {rows.length === 0 ? (
        <p className="muted">{t('dashboard.empty')}</p>
      ) : open ? (
        table
      ) : (
        <>
          {children}
          <details className="data-table">
            <summary>{t('dashboard.showTable')}</summary>
            {table}
          </details>
        </>
      )}
    </Card>
  );
}
