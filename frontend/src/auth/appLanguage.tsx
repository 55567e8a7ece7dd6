// The language a person uses the app in is saved on the server (issue 12):
// their notifications, calendar feed and downloaded reports follow it unless
// they chose a notification language apart (Notification settings).
import { useEffect, useRef } from 'react';
import { request } from '../api/client';
import { MyNotificationSettingsDocument, SetMyAppLanguageDocument, type NotificationLanguage } from '../gql/graphql';
import { useI18n } from '../i18n';
import { useSession } from './session';

/**
 * Saves the app's language: when a signed-in person switches it, when they
 * sign in (the language they chose before signing in), and, when a page
 * opens on a session already signed in, only if the server knows none yet.
 * Renders nothing; a failure to save changes nothing on screen.
 */
export function AppLanguageSync() {
  const { viewer } = useSession();
  const { lang } = useI18n();
  const saved = useRef<{ user: string; lang: string } | null>(null);
  const signedOut = useRef(false);
  useEffect(() => {
    if (viewer === null) {
      signedOut.current = true;
      saved.current = null;
      return;
    }
    if (!viewer) return; // still loading
    const prev = saved.current;
    if (prev && prev.user === viewer.id && prev.lang === lang) return;
    saved.current = { user: viewer.id, lang };
    const language = lang.toUpperCase() as NotificationLanguage;
    const save = () => request(SetMyAppLanguageDocument, { language });
    if ((prev && prev.user === viewer.id) || signedOut.current) {
      signedOut.current = false;
      void save().catch(() => undefined);
      return;
    }
    void request(MyNotificationSettingsDocument, {})
      .then((d) => (d.me?.notificationSettings && !d.me.notificationSettings.appLanguage ? save() : undefined))
      .catch(() => undefined);
  }, [viewer, lang]);
  return null;
}
