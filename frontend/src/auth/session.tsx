// Who is signed in: the token (kept by api/token) and the viewer it belongs to.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { MeDocument, LogoutDocument, type ViewerFragment, type Role } from '../gql/graphql';
import { request } from '../api/client';
import { getToken, onTokenChange, setToken } from '../api/token';
import { ApiError, toApiError } from '../api/errors';

export type Viewer = ViewerFragment;

interface Session {
  /** undefined while it is being found out; null when nobody is signed in. */
  viewer: Viewer | null | undefined;
  /** Set when the viewer could not be loaded (and someone may be signed in). */
  error: ApiError | undefined;
  hasRole: (...roles: Role[]) => boolean;
  signedIn: (token: string, viewer: Viewer) => void;
  signOut: () => Promise<void>;
  reload: () => Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [viewer, setViewer] = useState<Viewer | null | undefined>(() => (getToken() ? undefined : null));
  const [error, setError] = useState<ApiError | undefined>();

  const reload = useCallback(async () => {
    if (!getToken()) {
      setViewer(null);
      return;
    }
    try {
      const data = await request(MeDocument, {});
      setViewer(data.me ?? null);
      setError(undefined);
      if (!data.me) setToken(null);
    } catch (e) {
      const err = toApiError(e);
      if (err.code === 'UNAUTHENTICATED') setViewer(null);
      else setError(err);
    }
  }, []);

  useEffect(() => {
    void reload();
    // Another tab signing out, or the client dropping a dead token, ends this session too.
    const off = onTokenChange((t) => {
      if (!t) setViewer(null);
    });
    const onStorage = (e: StorageEvent) => {
      if (e.key === 'konullu.token') void reload();
    };
    window.addEventListener('storage', onStorage);
    return () => {
      off();
      window.removeEventListener('storage', onStorage);
    };
  }, [reload]);

  const value = useMemo<Session>(
    () => ({
      viewer,
      error,
      hasRole: (...roles) => !!viewer && roles.some((r) => viewer.roles.includes(r)),
      signedIn: (token, v) => {
        setToken(token);
        setViewer(v);
        setError(undefined);
      },
      signOut: async () => {
        try {
          await request(LogoutDocument, {});
        } catch {
          // The session ends here whatever the server says.
        }
        setToken(null);
        setViewer(null);
      },
      reload,
    }),
    [viewer, error, reload],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

/** The page a viewer lands on after signing in. */
export function homeOf(viewer: Viewer): string {
  const r = viewer.roles;
  if (r.includes('COORDINATOR')) return '/coordinate';
  if (r.includes('ADMIN')) return '/admin';
  if (r.includes('STAFF')) return '/reports';
  return '/shifts';
}
