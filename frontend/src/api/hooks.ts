// React hooks over the client: loading, data and error states for queries,
// and a runner with a pending flag for mutations.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { TypedDocumentString } from '../gql/graphql';
import { request, requestLanguage } from './client';
import { ApiError, toApiError } from './errors';

export interface QueryState<R> {
  data: R | undefined;
  error: ApiError | undefined;
  /** True while a request is in flight (the previous data stays meanwhile). */
  loading: boolean;
  refetch: () => Promise<void>;
}

/** Runs a query when mounted and whenever its variables change; skip: do not run. */
export function useQuery<R, V>(document: TypedDocumentString<R, V>, variables: V, options: { skip?: boolean } = {}): QueryState<R> {
  // The language is part of the key: switching it asks again (names of
  // centres and positions are answered in it).
  const key = JSON.stringify(variables) + '\u0000' + (requestLanguage() ?? '');
  const [state, setState] = useState<{ data?: R; error?: ApiError; loading: boolean }>({ loading: !options.skip });
  const controller = useRef<AbortController | null>(null);
  const vars = useRef(variables);
  vars.current = variables;

  const run = useCallback(async () => {
    controller.current?.abort();
    const c = new AbortController();
    controller.current = c;
    setState((s) => ({ ...s, loading: true }));
    try {
      const data = await request(document, vars.current, c.signal);
      if (!c.signal.aborted) setState({ data, loading: false });
    } catch (e) {
      if (!c.signal.aborted) setState((s) => ({ data: s.data, error: toApiError(e), loading: false }));
    }
    // key: a change of variables makes a new runner.
  }, [document, key]);

  useEffect(() => {
    if (options.skip) {
      setState({ loading: false });
      return;
    }
    void run();
    return () => controller.current?.abort();
  }, [run, options.skip]);

  return { data: state.data, error: state.error, loading: state.loading, refetch: run };
}

export interface MutationState {
  pending: boolean;
  error: ApiError | undefined;
  reset: () => void;
}

/** A mutation runner: resolves to the data, or to undefined after setting error. */
export function useMutation<R, V>(document: TypedDocumentString<R, V>): [(variables: V) => Promise<R | undefined>, MutationState] {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiError | undefined>();
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  const run = useCallback(
    async (variables: V) => {
      setPending(true);
      setError(undefined);
      try {
        return await request(document, variables);
      } catch (e) {
        if (mounted.current) setError(toApiError(e));
        return undefined;
      } finally {
        if (mounted.current) setPending(false);
      }
    },
    [document],
  );
  const reset = useCallback(() => setError(undefined), []);
  return [run, { pending, error, reset }];
}
