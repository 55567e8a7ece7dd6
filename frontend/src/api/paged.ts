// Loads every page of a shifts connection (up to a limit), for views that
// filter or group on the client: a day of open shifts, a centre's week.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { TypedDocumentString } from '../gql/graphql';
import { request, requestLanguage } from './client';
import { ApiError, toApiError } from './errors';

interface Connection<N> {
  shifts: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor?: string | null }; edges: { node: N }[] };
}

export interface PagedState<N> {
  nodes: N[] | undefined;
  totalCount: number;
  /** More exist than maxPages pages. */
  truncated: boolean;
  error: ApiError | undefined;
  loading: boolean;
  refetch: () => Promise<void>;
}

export function usePagedShifts<R extends Connection<unknown>, V extends { after?: string | null }>(
  document: TypedDocumentString<R, V>,
  variables: V,
  options: { skip?: boolean; maxPages?: number } = {},
): PagedState<R['shifts']['edges'][number]['node']> {
  type N = R['shifts']['edges'][number]['node'];
  const maxPages = options.maxPages ?? 10;
  // The language too: names of centres and positions are answered in it.
  const key = JSON.stringify(variables) + '\u0000' + (requestLanguage() ?? '');
  const vars = useRef(variables);
  vars.current = variables;
  const [state, setState] = useState<{ nodes?: N[]; totalCount: number; truncated: boolean; error?: ApiError; loading: boolean }>({
    totalCount: 0,
    truncated: false,
    loading: !options.skip,
  });
  const controller = useRef<AbortController | null>(null);

  const run = useCallback(async () => {
    controller.current?.abort();
    const c = new AbortController();
    controller.current = c;
    setState((s) => ({ ...s, loading: true, error: undefined }));
    try {
      const nodes: N[] = [];
      let after: string | null = null;
      let total = 0;
      let more = false;
      for (let page = 0; page < maxPages; page++) {
        const data: R = await request(document, { ...vars.current, after }, c.signal);
        nodes.push(...data.shifts.edges.map((e) => e.node as N));
        total = data.shifts.totalCount;
        more = data.shifts.pageInfo.hasNextPage;
        after = data.shifts.pageInfo.endCursor ?? null;
        if (!more || !after) break;
      }
      if (!c.signal.aborted) setState({ nodes, totalCount: total, truncated: more, loading: false });
    } catch (e) {
      if (!c.signal.aborted) setState((s) => ({ ...s, error: toApiError(e), loading: false }));
    }
  }, [document, key, maxPages]);

  useEffect(() => {
    if (options.skip) return;
    void run();
    return () => controller.current?.abort();
  }, [run, options.skip]);

  return { nodes: state.nodes, totalCount: state.totalCount, truncated: state.truncated, error: state.error, loading: state.loading, refetch: run };
}
