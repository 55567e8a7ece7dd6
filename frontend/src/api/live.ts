// Live updates over WebSocket (graphql-transport-ws, the graphql-ws client):
// one connection per signed-in token, shared by every view that listens.
import { useEffect, useRef } from 'react';
import { createClient, type Client } from 'graphql-ws';
import { CentreActivityDocument } from '../gql/graphql';
import { getToken } from './token';
import { endpoint } from './client';

let shared: { token: string; client: Client } | null = null;

function liveClient(): Client | null {
  const token = getToken();
  if (!token) return null;
  if (shared?.token === token) return shared.client;
  void shared?.client.dispose();
  const url = new URL(endpoint, window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const client = createClient({
    url: url.toString(),
    connectionParams: { Authorization: `Bearer ${token}` },
    lazy: true,
    // Network trouble: try again, more slowly each time; a refused session does not retry.
    retryAttempts: 20,
    shouldRetry: () => true,
  });
  shared = { token, client };
  return client;
}

/**
 * Calls onChange (at most every quiet 300 ms) whenever something happens at
 * the centre; the view refetches. Nothing happens without a centre or a session.
 */
export function useCentreActivity(centreId: string | undefined, onChange: () => void): void {
  const latest = useRef(onChange);
  latest.current = onChange;
  useEffect(() => {
    const client = centreId ? liveClient() : null;
    if (!client || !centreId) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stop = client.subscribe(
      { query: CentreActivityDocument.toString(), variables: { centreId } },
      {
        next: () => {
          clearTimeout(timer);
          timer = setTimeout(() => latest.current(), 300);
        },
        error: () => {},
        complete: () => {},
      },
    );
    return () => {
      clearTimeout(timer);
      stop();
    };
  }, [centreId]);
}
