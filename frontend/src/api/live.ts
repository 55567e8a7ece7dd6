// Live updates over WebSocket (graphql-transport-ws, the graphql-ws client):
// one connection per signed-in token, shared by every view that listens.
import { useEffect, useRef } from 'react';
import { createClient, type Client } from 'graphql-ws';
import { CentreActivityDocument, MyNotificationsLiveDocument } from '../gql/graphql';
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
 * Subscribes with the shared connection while enabled and calls onChange
 * (at most every quiet 300 ms) for each event; the view refetches.
 */
function useLive(query: string, variables: Record<string, unknown> | undefined, enabled: boolean, onChange: () => void): void {
  const latest = useRef(onChange);
  latest.current = onChange;
  const key = JSON.stringify(variables ?? null);
  useEffect(() => {
    const client = enabled ? liveClient() : null;
    if (!client) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stop = client.subscribe(
      { query, variables: JSON.parse(key) as Record<string, unknown> | null },
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
  }, [query, key, enabled]);
}

/**
 * Calls onChange whenever something happens at the centre; nothing happens
 * without a centre or a session.
 */
export function useCentreActivity(centreId: string | undefined, onChange: () => void): void {
  useLive(CentreActivityDocument.toString(), { centreId }, !!centreId, onChange);
}

/**
 * Calls onChange whenever the signed-in viewer gets a notification (their
 * place confirmed, promoted from the waitlist, a shift changed or
 * cancelled); nothing happens without a session.
 */
export function useMyNotifications(signedIn: boolean, onChange: () => void): void {
  useLive(MyNotificationsLiveDocument.toString(), undefined, signedIn, onChange);
}
