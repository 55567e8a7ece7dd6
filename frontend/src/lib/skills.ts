// Skills are qualifications of the catalogue: a volunteer's skills and a
// position's requiredSkills are their main names, shown by their names in
// the reader's language.
import { useCallback, useEffect, useState } from 'react';
import { request } from '../api/client';
import { SkillCatalogueDocument, type QualificationFieldsFragment } from '../gql/graphql';
import { useI18n, type Lang } from '../i18n';

type Named = Pick<QualificationFieldsFragment, 'name' | 'names'>;

/** A qualification's label in a language: its name there, else its main name. */
export function labelOf(q: Named, lang: Lang): string {
  return q.names[lang] || q.name;
}

/** The label of a skill (a qualification's main name, any case) among qualifications. */
export function skillLabel(skill: string, qualifications: readonly Named[] | undefined, lang: Lang): string {
  const key = skill.trim().toLowerCase();
  const q = qualifications?.find((x) => x.name.trim().toLowerCase() === key);
  return q ? labelOf(q, lang) : skill;
}

/** The qualifications whose main names are skills (any case), in the catalogue's order. */
export function idsOfSkills(skills: readonly string[], qualifications: readonly QualificationFieldsFragment[]): string[] {
  const keys = new Set(skills.map((s) => s.trim().toLowerCase()));
  return qualifications.filter((q) => keys.has(q.name.trim().toLowerCase())).map((q) => q.id);
}

// One request for the page, however many rows name skills; the names of
// every language come in it, so a switch of language needs no other.
let cached: Promise<QualificationFieldsFragment[]> | null = null;

function loadSkills(): Promise<QualificationFieldsFragment[]> {
  if (!cached) {
    cached = request(SkillCatalogueDocument, {}).then((d) => d.qualifications);
    cached.catch(() => {
      cached = null;
    });
  }
  return cached;
}

/** The qualifications catalogue, and skills named in the reader's language. */
export function useSkills() {
  const { lang } = useI18n();
  const [list, setList] = useState<QualificationFieldsFragment[] | undefined>();
  useEffect(() => {
    let live = true;
    loadSkills().then(
      (l) => live && setList(l),
      () => undefined, // the raw names stay shown
    );
    return () => {
      live = false;
    };
  }, []);
  const label = useCallback((skill: string) => skillLabel(skill, list, lang), [list, lang]);
  return { qualifications: list, label };
}
