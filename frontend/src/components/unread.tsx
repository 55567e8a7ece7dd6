// The number of unread notifications, shown on the navigation: asked when
// the page opens, every minute, and whenever the notifications page marks some read.
import { useEffect, useState } from 'react';
import { request } from '../api/client';
import { UnreadCountDocument } from '../gql/graphql';
import { useSession } from '../auth/session';
import { isMissingFeature, toApiError } from '../api/errors';

const event = 'konullu:unread-changed';

export function notifyUnreadChanged(): void {
  window.dispatchEvent(new Event(event));
}

export function useUnreadCount(): number {
  const { viewer } = useSession();
  const [count, setCount] = useState(0);
  useEffect(() => {
    if (!viewer) {
      setCount(0);
      return;
    }
    let live = true;
    let timer = 0;
    const load = () =>
      request(UnreadCountDocument, {})
        .then((d) => live && setCount(d.unreadNotificationCount))
        .catch((e) => {
          // A badge is not worth an error message; the next tick tries again,
          // unless this server has no notifications at all.
          if (isMissingFeature(toApiError(e))) window.clearInterval(timer);
        });
    void load();
    timer = window.setInterval(load, 60_000);
    window.addEventListener(event, load);
    return () => {
      live = false;
      window.clearInterval(timer);
      window.removeEventListener(event, load);
    };
  }, [viewer]);
  return count;
}
