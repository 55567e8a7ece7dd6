// A centre's day template (issue 12, item 1): the blocks its shifts use,
// which volunteers who prefer the centre choose their availability from.
// Shown derived from the centre's shifts until a coordinator saves it.
import { useEffect, useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '../../api/hooks';
import { CentreDayTemplateDocument, SetCentreDayTemplateDocument } from '../../gql/graphql';
import { useI18n } from '../../i18n';
import { weekdayNames } from '../../lib/format';
import { Alert, Button, Field, Loading, ErrorAlert } from '../../components/ui';
import { FormError, useApiFormErrors } from '../../components/forms';
import { TimeInput } from '../../components/DateInput';
import { useCatalogueText } from './catalogueMessages';

interface Block {
  weekday: number;
  start: string;
  end: string;
}

export function DayTemplateForm({ centreId, name, onDone }: { centreId: string; name: string; onDone: () => void }) {
  const c = useCatalogueText();
  const { locale } = useI18n();
  const days = weekdayNames(locale);
  const q = useQuery(CentreDayTemplateDocument, { id: centreId });
  const [blocks, setBlocks] = useState<Block[] | null>(null);
  const [saved, setSaved] = useState(false);
  const [save, state] = useMutation(SetCentreDayTemplateDocument);
  const node = q.data?.node && 'dayTemplate' in q.data.node ? q.data.node : undefined;
  useEffect(() => {
    if (node && blocks === null) setBlocks(node.dayTemplate.map((b) => ({ weekday: b.weekday, start: b.start, end: b.end })));
  }, [node, blocks]);
  const fields = (blocks ?? []).flatMap((_, i) => [`blocks[${i}].weekday`, `blocks[${i}].start`, `blocks[${i}].end`]);
  const { fieldError, formError } = useApiFormErrors(state.error, ['blocks', ...fields]);
  if (q.error) return <ErrorAlert error={q.error} onRetry={q.refetch} />;
  if (!node || blocks === null) return <Loading />;
  const set = (i: number, b: Partial<Block>) => {
    setSaved(false);
    setBlocks(blocks.map((x, j) => (j === i ? { ...x, ...b } : x)));
  };
  async function submit(e: FormEvent) {
    e.preventDefault();
    const sorted = [...blocks!].sort((a, b) => a.weekday - b.weekday || a.start.localeCompare(b.start));
    if (await save({ centreId, blocks: sorted })) {
      setBlocks(sorted);
      setSaved(true);
      onDone();
    }
  }
  const last = blocks[blocks.length - 1];
  return (
    <form className="form catalogue-form day-template" onSubmit={submit} noValidate aria-label={`${c('cat.dayTemplate')}: ${name}`}>
      <h3>{c('cat.dayTemplate')}</h3>
      <p className="muted small">{c('cat.dayTemplateLead')}</p>
      {!node.dayTemplateSet && blocks.length > 0 && <Alert tone="info">{c('cat.dayTemplateDerived')}</Alert>}
      <FormError error={formError} />
      {fieldError('blocks') && <Alert tone="error">{fieldError('blocks')}</Alert>}
      {blocks.length === 0 && <p className="muted">{c('cat.noBlocks')}</p>}
      <ol className="day-blocks">
        {blocks.map((b, i) => (
          <li key={i} className="form-row" data-testid="day-block">
            <Field id={`block-${centreId}-${i}-day`} label={c('cat.weekday')} error={fieldError(`blocks[${i}].weekday`)}>
              {(p) => (
                <select {...p} value={b.weekday} onChange={(e) => set(i, { weekday: Number(e.target.value) })}>
                  {days.map((d, k) => (
                    <option key={k} value={k + 1}>
                      {d}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field id={`block-${centreId}-${i}-start`} label={c('cat.blockStart')} error={fieldError(`blocks[${i}].start`)}>
              {(p) => <TimeInput {...p} value={b.start} onChange={(v) => set(i, { start: v })} required />}
            </Field>
            <Field id={`block-${centreId}-${i}-end`} label={c('cat.blockEnd')} error={fieldError(`blocks[${i}].end`)}>
              {(p) => <TimeInput {...p} value={b.end} onChange={(v) => set(i, { end: v })} required />}
            </Field>
            <Button size="small" variant="ghost" onClick={() => { setSaved(false); setBlocks(blocks.filter((_, j) => j !== i)); }}>
              {c('cat.blockRemove', { n: i + 1 })}
            </Button>
          </li>
        ))}
      </ol>
      <div className="button-row">
        <Button
          size="small"
          onClick={() => {
            setSaved(false);
            setBlocks([...blocks, last ? { weekday: last.weekday, start: last.end, end: last.end } : { weekday: 1, start: '09:00', end: '13:00' }]);
          }}
        >
          {c('cat.blockAdd')}
        </Button>
        <Button type="submit" variant="primary" busy={state.pending}>
          {c('cat.save')}
        </Button>
      </div>
      {saved && <Alert tone="success" title={c('cat.templateSaved')} />}
    </form>
  );
}
