// Qualifications of the catalogue to tick, named in the reader's language:
// how skills and requirements are chosen (not typed as free text).
import type { QualificationFieldsFragment } from '../gql/graphql';
import { useI18n } from '../i18n';
import { labelOf } from '../lib/skills';
import { useCatalogueText } from '../pages/admin/catalogueMessages';

export function QualificationChecks({ legend, qualifications, chosen, set, error, hint }: {
  legend: string;
  qualifications: readonly QualificationFieldsFragment[];
  chosen: string[];
  set: (ids: string[]) => void;
  error?: string | undefined;
  hint?: string;
}) {
  const c = useCatalogueText();
  const { lang } = useI18n();
  return (
    <fieldset className="fieldset">
      <legend>{legend}</legend>
      {hint && <p className="field-hint">{hint}</p>}
      {qualifications.length === 0 ? (
        <p className="muted">{c('cat.noQualifications')}</p>
      ) : (
        <div className="check-list">
          {qualifications.map((q) => (
            <label key={q.id} className="check">
              <input type="checkbox" checked={chosen.includes(q.id)} onChange={(e) => set(e.target.checked ? [...chosen, q.id] : chosen.filter((x) => x !== q.id))} />
              {labelOf(q, lang)}
            </label>
          ))}
        </div>
      )}
      {error && <p className="field-error">{error}</p>}
    </fieldset>
  );
}
