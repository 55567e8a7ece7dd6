// The kiosk: a tablet at the centre's door showing the check-in code as a big
// QR code and six digits, renewed as each code's 30 seconds end. It is signed
// in with a kiosk token (kept on this device only), which opens nothing but
// the code.
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { request } from '../../api/client';
import { ApiError, toApiError } from '../../api/errors';
import { KioskCodeDocument, type KioskCodeQuery } from '../../gql/graphql';
import { useI18n } from '../../i18n';
import { Button, ErrorAlert, Field } from '../../components/ui';
import { QrCode } from '../../components/QrCode';
import { formatTime } from '../../lib/format';
import { untilRefresh } from '../../lib/checkin';

const storageKey = 'konullu.kiosk';

export default function Kiosk() {
  const { t } = useI18n();
  const [token, setToken] = useState<string | null>(() => localStorage.getItem(storageKey));
  useEffect(() => {
    document.title = `${t('kiosk.title')} · ${t('app.name')}`;
  }, [t]);
  if (!token) {
    return (
      <Setup
        onToken={(tk) => {
          localStorage.setItem(storageKey, tk);
          setToken(tk);
        }}
      />
    );
  }
  return (
    <Screen
      token={token}
      onForget={() => {
        localStorage.removeItem(storageKey);
        setToken(null);
      }}
    />
  );
}

function Setup({ onToken }: { onToken: (token: string) => void }) {
  const { t } = useI18n();
  const [value, setValue] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (value.trim()) onToken(value.trim());
  };
  return (
    <main className="kiosk kiosk-setup" id="main">
      <h1>{t('kiosk.title')}</h1>
      <p>{t('kiosk.setupLead')}</p>
      <form onSubmit={submit}>
        <Field label={t('kiosk.token')}>
          {(p) => <input {...p} type="password" autoComplete="off" value={value} onChange={(e) => setValue(e.target.value)} required />}
        </Field>
        <button type="submit" className="btn btn-primary">
          {t('kiosk.start')}
        </button>
      </form>
    </main>
  );
}

function Screen({ token, onForget }: { token: string; onForget: () => void }) {
  const { t, locale } = useI18n();
  const [code, setCode] = useState<KioskCodeQuery['kioskCode'] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [now, setNow] = useState(() => new Date());

  const load = useCallback(async () => {
    try {
      const d = await request(KioskCodeDocument, {}, undefined, token);
      setCode(d.kioskCode);
      setError(null);
      return untilRefresh(d.kioskCode.validUntil);
    } catch (e) {
      setError(toApiError(e));
      return 5_000;
    }
  }, [token]);

  useEffect(() => {
    let timer: number | undefined;
    let stopped = false;
    const tick = async () => {
      const wait = await load();
      if (!stopped) timer = window.setTimeout(tick, wait);
    };
    void tick();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }, [load]);

  useEffect(() => {
    const i = window.setInterval(() => setNow(new Date()), 1_000);
    return () => window.clearInterval(i);
  }, []);

  const absolute = code ? new URL(code.url, window.location.origin).toString() : '';
  return (
    <main className="kiosk" id="main">
      <header className="kiosk-header">
        <h1>{code?.centre.name ?? t('kiosk.title')}</h1>
        <p className="kiosk-clock" aria-live="off">
          {formatTime(now, locale, code?.centre.timezone ?? 'Asia/Baku')}
        </p>
      </header>
      {error &&
        (error.code === 'UNAUTHENTICATED' ? (
          <p className="alert alert-error" role="alert">
            {t('kiosk.revoked')}
          </p>
        ) : (
          <ErrorAlert error={error} />
        ))}
      {code && (
        <section className="kiosk-code" aria-label={t('kiosk.scanHere')}>
          <p className="kiosk-call">{t('kiosk.scanHere')}</p>
          <QrCode value={absolute} label={t('kiosk.qr')} size={360} />
          <p className="kiosk-or">{t('kiosk.orType')}</p>
          <p className="kiosk-digits" data-code={code.code}>
            {code.code.slice(0, 3)} {code.code.slice(3)}
          </p>
          <p className="muted">{t('kiosk.changes')}</p>
        </section>
      )}
      <footer className="kiosk-footer">
        <Button variant="ghost" size="small" onClick={onForget}>
          {t('kiosk.forget')}
        </Button>
      </footer>
    </main>
  );
}
