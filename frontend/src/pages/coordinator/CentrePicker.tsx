import type { CentreFieldsFragment } from '../../gql/graphql';
import { useI18n } from '../../i18n';

export function CentrePicker({ centres, value, onChange }: { centres: CentreFieldsFragment[]; value: string; onChange: (id: string) => void }) {
  const { t } = useI18n();
  return (
    <div className="field field-inline">
      <label htmlFor="centre-picker">{t('field.centre')}</label>
      <select id="centre-picker" value={value} onChange={(e) => onChange(e.target.value)}>
        {centres.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
          </option>
        ))}
      </select>
    </div>
  );
}
