// A small GraphQL client: typed documents in, typed data out, ApiError thrown.
import type { TypedDocumentString } from '../gql/graphql';
import { ApiError, fromGraphQLError, toApiError } from './errors';
import { getToken, setToken } from './token';

export const endpoint = '/graphql';

// The app's language goes with every request (Accept-Language): the server
// answers names and descriptions of centres and positions in it.
let language: string | null = null;

/** Sets the language requests are answered in (the I18nProvider's). */
export function setRequestLanguage(lang: string): void {
  language = lang;
}

/** The language requests are answered in, null before the app chose one. */
export function requestLanguage(): string | null {
  return language;
}

interface Response<R> {
  data?: R | null;
  errors?: { message?: unknown; extensions?: { code?: unknown; field?: unknown } }[];
}

/** Sends one operation; resolves to its data or throws the first error as an ApiError. */
export async function request<R, V>(
  document: TypedDocumentString<R, V>,
  variables: V,
  signal?: AbortSignal,
  bearer?: string,
): Promise<R> {
  // bearer: another credential than the session's (a kiosk's token).
  const token = bearer ?? getToken();
  let res: globalThis.Response;
  try {
    res = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json',
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...(language ? { 'Accept-Language': language } : {}),
      },
      body: JSON.stringify({ query: document.toString(), variables }),
      signal: signal ?? null,
    });
  } catch (e) {
    throw toApiError(e);
  }
  let body: Response<R>;
  try {
    body = (await res.json()) as Response<R>;
  } catch {
    if (res.status === 429) throw new ApiError('RATE_LIMITED', 'too many requests');
    if (res.status === 502 || res.status === 503 || res.status === 504) throw new ApiError('NETWORK', `HTTP ${res.status}`);
    throw new ApiError('INTERNAL', `HTTP ${res.status}`);
  }
  const first = body.errors?.[0];
  if (first) {
    const err = fromGraphQLError(first);
    // A token the server no longer knows (expired, signed out elsewhere) is dropped.
    if (err.code === 'UNAUTHENTICATED' && token && !bearer) setToken(null);
    throw err;
  }
  if (body.data == null) throw new ApiError(res.status === 429 ? 'RATE_LIMITED' : 'INTERNAL', `HTTP ${res.status} without data`);
  return body.data;
}
