import { useQuery } from '../../api/hooks';
import { CatalogDocument, type CentreFieldsFragment, type PositionFieldsFragment } from '../../gql/graphql';
import type { ApiError } from '../../api/errors';
import { useSession } from '../../auth/session';

export interface Managed {
  /** undefined while loading. */
  centres: CentreFieldsFragment[] | undefined;
  positions: PositionFieldsFragment[];
  error: ApiError | undefined;
  refetch: () => Promise<void>;
}

/** The centres the viewer manages: their own as a coordinator, all as an admin. */
export function useManagedCentres(): Managed {
  const { viewer, hasRole } = useSession();
  const q = useQuery(CatalogDocument, {});
  const admin = hasRole('ADMIN');
  const own = new Set(viewer?.coordinatedCentres.map((c) => c.id) ?? []);
  const centres = q.data?.centres.filter((c) => admin || own.has(c.id));
  return { centres, positions: q.data?.positions ?? [], error: q.error, refetch: q.refetch };
}

/** The centre chosen in the URL, else the viewer's first. */
export function pickCentre(centres: CentreFieldsFragment[] | undefined, id: string | null): CentreFieldsFragment | undefined {
  return centres?.find((c) => c.id === id) ?? centres?.[0];
}
