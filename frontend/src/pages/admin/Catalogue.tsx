// Centres and positions (issue 12): their names and descriptions in every
// language, addresses and requirements edited; archived once they have
// history, deleted only when never used. Admins edit everything;
// coordinators edit their own centres (not the time zone).
import { useState, type FormEvent, type ReactNode } from 'react';
import { useMutation, useQuery } from '../../api/hooks';
import {
  ArchiveCentreDocument,
  ArchivePositionDocument,
  CatalogueEditDocument,
  CreateCentreInDocument,
  CreatePositionInDocument,
  DeleteCentreDocument,
  DeletePositionDocument,
  RestoreCentreDocument,
  RestorePositionDocument,
  UpdateCentreDocument,
  UpdatePositionDocument,
  type CentreEditFragment,
  type PositionEditFragment,
  type QualificationFieldsFragment,
} from '../../gql/graphql';
import { languages, nativeName, useI18n, type Lang } from '../../i18n';
import { useSession } from '../../auth/session';
import { Alert, Badge, Button, Card, Empty, ErrorAlert, Field, Loading, Page } from '../../components/ui';
import { FormError, useApiFormErrors } from '../../components/forms';
import { toApiError, type ApiError } from '../../api/errors';
import { request } from '../../api/client';
import { labelOf } from '../../lib/skills';
import { QualificationChecks } from '../../components/QualificationChecks';
import { useCatalogueText, type CatalogueKey } from './catalogueMessages';
import { DayTemplateForm } from './DayTemplate';

const zones = ['Asia/Baku', 'Europe/Istanbul', 'Asia/Tbilisi', 'Europe/Moscow', 'UTC'];

type PerLang = Record<Lang, string>;
const blank = (): PerLang => ({ az: '', en: '', ru: '' });
const fromLocalized = (t: { az: string | null; en: string | null; ru: string | null }): PerLang => ({ az: t.az ?? '', en: t.en ?? '', ru: t.ru ?? '' });
const toInput = (p: PerLang) => ({ az: p.az.trim(), en: p.en.trim(), ru: p.ru.trim() });

interface Texts {
  name: string;
  names: PerLang;
  description: string;
  descriptions: PerLang;
}

export default function Catalogue() {
  const { hasRole, viewer } = useSession();
  const c = useCatalogueText();
  const admin = hasRole('ADMIN');
  const q = useQuery(CatalogueEditDocument, {});
  const own = new Set(viewer?.coordinatedCentres.map((x) => x.id) ?? []);
  const centres = q.data?.centres.filter((x) => admin || own.has(x.id));
  const refetch = () => void q.refetch();
  return (
    <Page wide title={c('cat.title')} lead={c('cat.lead')}>
      {q.error && <ErrorAlert error={q.error} onRetry={q.refetch} />}
      <div className="admin-grid">
        <Card aria-labelledby="cat-centres">
          <h2 id="cat-centres" className="card-title">
            {c('cat.centres')}
          </h2>
          {!centres ? <Loading /> : centres.length === 0 ? <Empty icon="building" title={c('cat.none')} /> : (
            <ul className="plain-list catalogue-list">
              {centres.map((x) => (
                <CentreItem key={x.id} centre={x} admin={admin} onChange={refetch} />
              ))}
            </ul>
          )}
          {admin && <NewCentre onCreated={refetch} />}
        </Card>
        {admin && (
          <Card aria-labelledby="cat-positions">
            <h2 id="cat-positions" className="card-title">
              {c('cat.positions')}
            </h2>
            {!q.data ? <Loading /> : (
              <ul className="plain-list catalogue-list">
                {q.data.positions.map((x) => (
                  <PositionItem key={x.id} position={x} qualifications={q.data?.qualifications ?? []} onChange={refetch} />
                ))}
              </ul>
            )}
            {q.data && <NewPosition qualifications={q.data.qualifications} onCreated={refetch} />}
          </Card>
        )}
      </div>
    </Page>
  );
}

/** Archive, restore and delete, with the refusals said plainly. */
function Lifecycle({ name, archived, archive, restore, remove }: {
  name: string;
  archived: boolean;
  archive: () => Promise<unknown>;
  restore: () => Promise<unknown>;
  remove: () => Promise<unknown>;
}) {
  const c = useCatalogueText();
  const [busy, setBusy] = useState<'archive' | 'delete' | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [refusal, setRefusal] = useState<CatalogueKey | ApiError | null>(null);
  async function run(kind: 'archive' | 'delete', f: () => Promise<unknown>) {
    setBusy(kind);
    setRefusal(null);
    try {
      await f();
    } catch (e) {
      const err = toApiError(e);
      setRefusal(err.code === 'CONFLICT' ? (kind === 'delete' ? 'cat.hasHistory' : 'cat.comingShifts') : err);
    } finally {
      setBusy(null);
      setConfirming(false);
    }
  }
  return (
    <>
      <Button size="small" busy={busy === 'archive'} onClick={() => void run('archive', archived ? restore : archive)}>
        {archived ? c('cat.restore') : c('cat.archive')}
      </Button>
      {confirming ? (
        <span className="confirm-inline">
          <span>{c('cat.confirmDelete', { name })}</span>
          <Button size="small" variant="danger" busy={busy === 'delete'} onClick={() => void run('delete', remove)}>
            {c('cat.delete')}
          </Button>
          <Button size="small" variant="ghost" onClick={() => setConfirming(false)}>
            {c('cat.cancel')}
          </Button>
        </span>
      ) : (
        <Button size="small" variant="ghost" onClick={() => setConfirming(true)}>
          {c('cat.delete')}
        </Button>
      )}
      {refusal && (typeof refusal === 'string' ? <Alert tone="warning" title={c(refusal)} /> : <ErrorAlert error={refusal} />)}
    </>
  );
}


function Row({ name, archived, detail, actions, children }: { name: string; archived: boolean; detail: ReactNode; actions: ReactNode; children?: ReactNode }) {
  const c = useCatalogueText();
  return (
    <li className="catalogue-item" data-testid="catalogue-item">
      <div className="catalogue-head">
        <span className="strong">{name}</span> {archived && <Badge tone="warning">{c('cat.archived')}</Badge>}
        <span className="muted small"> {detail}</span>
      </div>
      <div className="button-row">{actions}</div>
      {children}
    </li>
  );
}

function CentreItem({ centre, admin, onChange }: { centre: CentreEditFragment; admin: boolean; onChange: () => void }) {
  const c = useCatalogueText();
  const [editing, setEditing] = useState(false);
  const [template, setTemplate] = useState(false);
  const id = { id: centre.id };
  return (
    <Row
      name={centre.name}
      archived={centre.archived}
      detail={`${centre.city} · ${centre.timezone}`}
      actions={
        <>
          <Button size="small" onClick={() => setEditing(!editing)} aria-expanded={editing}>
            {c('cat.edit')}
          </Button>
          {!centre.archived && (
            <Button size="small" onClick={() => setTemplate(!template)} aria-expanded={template}>
              {c('cat.dayTemplate')}
            </Button>
          )}
          {admin && (
            <Lifecycle
              name={centre.name}
              archived={centre.archived}
              archive={() => request(ArchiveCentreDocument, id).then(onChange)}
              restore={() => request(RestoreCentreDocument, id).then(onChange)}
              remove={() => request(DeleteCentreDocument, id).then(onChange)}
            />
          )}
        </>
      }
    >
      {centre.archived && <p className="muted small">{c('cat.archivedHint')}</p>}
      {editing && <CentreForm centre={centre} admin={admin} onDone={() => { setEditing(false); onChange(); }} onCancel={() => setEditing(false)} />}
      {template && <DayTemplateForm centreId={centre.id} name={centre.name} onDone={() => undefined} />}
    </Row>
  );
}

/** The main text and one per language, of a name and a description. */
function TextFields({ texts, set, fieldError, prefix }: { texts: Texts; set: (t: Texts) => void; fieldError: (f: string) => string | undefined; prefix: string }) {
  const c = useCatalogueText();
  return (
    <>
      <Field id={`${prefix}-name`} label={c('cat.mainName')} hint={c('cat.mainNameHint')} error={fieldError('name')}>
        {(p) => <input {...p} required value={texts.name} onChange={(e) => set({ ...texts, name: e.target.value })} />}
      </Field>
      {languages.map((l) => (
          <Field key={l} id={`${prefix}-name-${l}`} label={c('cat.nameIn', { lang: nativeName[l] })} optional error={fieldError(`names.${l}`)}>
            {(p) => <input {...p} lang={l} value={texts.names[l]} onChange={(e) => set({ ...texts, names: { ...texts.names, [l]: e.target.value } })} />}
          </Field>
        ))}
      <Field id={`${prefix}-description`} label={c('cat.mainDescription')} optional error={fieldError('description')}>
        {(p) => <textarea {...p} rows={2} value={texts.description} onChange={(e) => set({ ...texts, description: e.target.value })} />}
      </Field>
      {languages.map((l) => (
        <Field key={l} id={`${prefix}-description-${l}`} label={c('cat.descriptionIn', { lang: nativeName[l] })} optional error={fieldError(`descriptions.${l}`)}>
          {(p) => <textarea {...p} lang={l} rows={2} value={texts.descriptions[l]} onChange={(e) => set({ ...texts, descriptions: { ...texts.descriptions, [l]: e.target.value } })} />}
        </Field>
      ))}
    </>
  );
}

const textFieldNames = ['name', 'description', ...languages.flatMap((l) => [`names.${l}`, `descriptions.${l}`])];

function textsOf(x: { mainName: string; mainDescription: string | null; names: CentreEditFragment['names']; descriptions: CentreEditFragment['descriptions'] }): Texts {
  return { name: x.mainName, names: fromLocalized(x.names), description: x.mainDescription ?? '', descriptions: fromLocalized(x.descriptions) };
}

const textsInput = (t: Texts) => ({ name: t.name.trim(), names: toInput(t.names), description: t.description.trim(), descriptions: toInput(t.descriptions) });

function CentreForm({ centre, admin, onDone, onCancel }: { centre: CentreEditFragment; admin: boolean; onDone: () => void; onCancel: () => void }) {
  const c = useCatalogueText();
  const [texts, setTexts] = useState(() => textsOf(centre));
  const [place, setPlace] = useState({ city: centre.city, address: centre.address ?? '', timezone: centre.timezone });
  const [save, state] = useMutation(UpdateCentreDocument);
  const { fieldError, formError } = useApiFormErrors(state.error, [...textFieldNames, 'city', 'address', 'timezone']);
  async function submit(e: FormEvent) {
    e.preventDefault();
    const input = { ...textsInput(texts), city: place.city.trim(), address: place.address.trim(), ...(admin ? { timezone: place.timezone } : {}) };
    if (await save({ id: centre.id, input })) onDone();
  }
  return (
    <form className="form catalogue-form" onSubmit={submit} noValidate aria-label={c('cat.editing', { name: centre.name })}>
      <FormError error={formError} />
      <TextFields texts={texts} set={setTexts} fieldError={fieldError} prefix="centre" />
      <div className="form-row">
        <Field id="centre-city" label={c('cat.city')} error={fieldError('city')}>
          {(p) => <input {...p} required value={place.city} onChange={(e) => setPlace({ ...place, city: e.target.value })} />}
        </Field>
        <Field id="centre-timezone" label={c('cat.timezone')} hint={admin ? undefined : c('cat.timezoneAdmin')} error={fieldError('timezone')}>
          {(p) => (
            <select {...p} disabled={!admin} value={place.timezone} onChange={(e) => setPlace({ ...place, timezone: e.target.value })}>
              {[...new Set([place.timezone, ...zones])].map((z) => (
                <option key={z}>{z}</option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <Field id="centre-address" label={c('cat.address')} optional error={fieldError('address')}>
        {(p) => <input {...p} value={place.address} onChange={(e) => setPlace({ ...place, address: e.target.value })} />}
      </Field>
      <div className="button-row">
        <Button type="submit" variant="primary" busy={state.pending}>
          {c('cat.save')}
        </Button>
        <Button variant="ghost" onClick={onCancel}>
          {c('cat.cancel')}
        </Button>
      </div>
    </form>
  );
}

function PositionItem({ position, qualifications, onChange }: { position: PositionEditFragment; qualifications: QualificationFieldsFragment[]; onChange: () => void }) {
  const c = useCatalogueText();
  const { lang, t } = useI18n();
  const [editing, setEditing] = useState(false);
  const id = { id: position.id };
  const required = qualifications.filter((q) => position.requiredQualifications.some((r) => r.id === q.id)).map((q) => labelOf(q, lang));
  const detail = [required.length ? required.join(', ') : null, position.minimumAge ? t('shift.minimumAge', { age: position.minimumAge }) : null].filter(Boolean).join(' · ') || c('cat.noRequirements');
  return (
    <Row
      name={position.name}
      archived={position.archived}
      detail={detail}
      actions={
        <>
          <Button size="small" onClick={() => setEditing(!editing)} aria-expanded={editing}>
            {c('cat.edit')}
          </Button>
          <Lifecycle
            name={position.name}
            archived={position.archived}
            archive={() => request(ArchivePositionDocument, id).then(onChange)}
            restore={() => request(RestorePositionDocument, id).then(onChange)}
            remove={() => request(DeletePositionDocument, id).then(onChange)}
          />
        </>
      }
    >
      {position.archived && <p className="muted small">{c('cat.archivedHint')}</p>}
      {editing && <PositionForm position={position} qualifications={qualifications} onDone={() => { setEditing(false); onChange(); }} onCancel={() => setEditing(false)} />}
    </Row>
  );
}

function PositionForm({ position, qualifications, onDone, onCancel }: { position: PositionEditFragment; qualifications: QualificationFieldsFragment[]; onDone: () => void; onCancel: () => void }) {
  const c = useCatalogueText();
  const [texts, setTexts] = useState(() => textsOf(position));
  const [age, setAge] = useState(position.minimumAge ? String(position.minimumAge) : '');
  const [quals, setQuals] = useState(() => position.requiredQualifications.map((q) => q.id));
  const [save, state] = useMutation(UpdatePositionDocument);
  const { fieldError, formError } = useApiFormErrors(state.error, [...textFieldNames, 'minimumAge', 'requiredQualificationIds']);
  async function submit(e: FormEvent) {
    e.preventDefault();
    const input = { ...textsInput(texts), minimumAge: age.trim() ? Number(age) : 0, requiredQualificationIds: quals };
    if (await save({ id: position.id, input })) onDone();
  }
  return (
    <form className="form catalogue-form" onSubmit={submit} noValidate aria-label={c('cat.editing', { name: position.name })}>
      <FormError error={formError} />
      <TextFields texts={texts} set={setTexts} fieldError={fieldError} prefix="position" />
      <Field id="position-age" label={c('cat.minimumAge')} optional error={fieldError('minimumAge')}>
        {(p) => <input {...p} type="number" inputMode="numeric" min={0} max={99} className="input-short" value={age} onChange={(e) => setAge(e.target.value)} />}
      </Field>
      <QualificationChecks legend={c('cat.requires')} qualifications={qualifications} chosen={quals} set={setQuals} error={fieldError('requiredQualificationIds')} />
      <div className="button-row">
        <Button type="submit" variant="primary" busy={state.pending}>
          {c('cat.save')}
        </Button>
        <Button variant="ghost" onClick={onCancel}>
          {c('cat.cancel')}
        </Button>
      </div>
    </form>
  );
}

function NewCentre({ onCreated }: { onCreated: () => void }) {
  const c = useCatalogueText();
  const empty = (): Texts => ({ name: '', names: blank(), description: '', descriptions: blank() });
  const [texts, setTexts] = useState(empty);
  const [place, setPlace] = useState({ city: '', address: '', timezone: 'Asia/Baku' });
  const [create, state] = useMutation(CreateCentreInDocument);
  const [created, setCreated] = useState<string | null>(null);
  const { fieldError, formError } = useApiFormErrors(state.error, [...textFieldNames, 'city', 'address', 'timezone']);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setCreated(null);
    const d = await create({ input: { ...textsInput(texts), city: place.city.trim(), address: place.address.trim() || null, timezone: place.timezone } });
    if (d) {
      setCreated(d.createCentre.name);
      setTexts(empty());
      setPlace({ city: '', address: '', timezone: place.timezone });
      onCreated();
    }
  }
  return (
    <details className="catalogue-new">
      <summary className="subhead">{c('cat.newCentre')}</summary>
      <form className="form" onSubmit={submit} noValidate>
        {created && <Alert tone="success" title={c('cat.created', { name: created })} />}
        <FormError error={formError} />
        <TextFields texts={texts} set={setTexts} fieldError={fieldError} prefix="new-centre" />
        <div className="form-row">
          <Field id="new-centre-city" label={c('cat.city')} error={fieldError('city')}>
            {(p) => <input {...p} required value={place.city} onChange={(e) => setPlace({ ...place, city: e.target.value })} />}
          </Field>
          <Field id="new-centre-timezone" label={c('cat.timezone')} error={fieldError('timezone')}>
            {(p) => (
              <select {...p} value={place.timezone} onChange={(e) => setPlace({ ...place, timezone: e.target.value })}>
                {zones.map((z) => (
                  <option key={z}>{z}</option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <Field id="new-centre-address" label={c('cat.address')} optional error={fieldError('address')}>
          {(p) => <input {...p} value={place.address} onChange={(e) => setPlace({ ...place, address: e.target.value })} />}
        </Field>
        <Button type="submit" variant="primary" busy={state.pending}>
          {c('cat.create')}
        </Button>
      </form>
    </details>
  );
}

function NewPosition({ qualifications, onCreated }: { qualifications: QualificationFieldsFragment[]; onCreated: () => void }) {
  const c = useCatalogueText();
  const empty = (): Texts => ({ name: '', names: blank(), description: '', descriptions: blank() });
  const [texts, setTexts] = useState(empty);
  const [age, setAge] = useState('');
  const [quals, setQuals] = useState<string[]>([]);
  const [create, state] = useMutation(CreatePositionInDocument);
  const [created, setCreated] = useState<string | null>(null);
  const { fieldError, formError } = useApiFormErrors(state.error, [...textFieldNames, 'minimumAge', 'requiredQualificationIds']);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setCreated(null);
    const t = textsInput(texts);
    const d = await create({ input: { ...t, description: t.description || null, minimumAge: age.trim() ? Number(age) : null, requiredQualificationIds: quals } });
    if (d) {
      setCreated(d.createPosition.name);
      setTexts(empty());
      setAge('');
      setQuals([]);
      onCreated();
    }
  }
  return (
    <details className="catalogue-new">
      <summary className="subhead">{c('cat.newPosition')}</summary>
      <form className="form" onSubmit={submit} noValidate>
        {created && <Alert tone="success" title={c('cat.created', { name: created })} />}
        <FormError error={formError} />
        <TextFields texts={texts} set={setTexts} fieldError={fieldError} prefix="new-position" />
        <Field id="new-position-age" label={c('cat.minimumAge')} optional error={fieldError('minimumAge')}>
          {(p) => <input {...p} type="number" inputMode="numeric" min={0} max={99} className="input-short" value={age} onChange={(e) => setAge(e.target.value)} />}
        </Field>
        <QualificationChecks legend={c('cat.requires')} qualifications={qualifications} chosen={quals} set={setQuals} error={fieldError('requiredQualificationIds')} />
        <Button type="submit" variant="primary" busy={state.pending}>
          {c('cat.create')}
        </Button>
      </form>
    </details>
  );
}
