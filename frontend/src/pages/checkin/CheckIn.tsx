// Checking in by code: a volunteer scans the kiosk's QR code with the camera
// (or types its six digits, or opens the address the QR code holds); a
// coordinator scans a volunteer's personal code the same way.
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import jsQR from 'jsqr';
import { useMutation } from '../../api/hooks';
import { CheckInVolunteerByCodeDocument, CheckInWithCodeDocument } from '../../gql/graphql';
import { useSession } from '../../auth/session';
import { useI18n } from '../../i18n';
import { Alert, Button, ErrorAlert, Field, Page } from '../../components/ui';
import { formatTime } from '../../lib/format';
import { readCode } from '../../lib/checkin';

export default function CheckIn() {
  const { t, locale } = useI18n();
  const { hasRole } = useSession();
  const coordinator = hasRole('COORDINATOR', 'ADMIN');
  const [params, setParams] = useSearchParams();
  const [typed, setTyped] = useState('');
  const [invalid, setInvalid] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const [kiosk, kioskState] = useMutation(CheckInWithCodeDocument);
  const [personal, personalState] = useMutation(CheckInVolunteerByCodeDocument);
  const error = kioskState.error ?? personalState.error;
  const pending = kioskState.pending || personalState.pending;

  const submit = useCallback(
    async (text: string) => {
      const c = readCode(text);
      setDone(null);
      kioskState.reset();
      personalState.reset();
      if (!c) {
        setInvalid(true);
        return;
      }
      setInvalid(false);
      if (c.kind === 'kiosk') {
        const d = await kiosk({ code: c.code });
        const a = d?.checkInWithCode;
        if (a) setDone(t('checkin.done', { centre: a.shift.centre.name, time: formatTime(a.checkedInAt ?? new Date(), locale, a.shift.centre.timezone) }));
      } else {
        const d = await personal({ code: c.code });
        const a = d?.checkInVolunteerByCode;
        if (a)
          setDone(
            t('checkin.doneVolunteer', {
              name: a.volunteer.fullName,
              centre: a.shift.centre.name,
              time: formatTime(a.checkedInAt ?? new Date(), locale, a.shift.centre.timezone),
            }),
          );
      }
    },
    [kiosk, personal, kioskState, personalState, t, locale],
  );

  // Opened from the QR code's address: check in at once, once.
  const fromLink = params.get('code');
  useEffect(() => {
    if (!fromLink) return;
    setParams({}, { replace: true });
    void submit(fromLink);
  }, [fromLink, setParams, submit]);

  const onType = (e: FormEvent) => {
    e.preventDefault();
    void submit(typed);
  };

  return (
    <Page title={t('checkin.title')} lead={coordinator ? t('checkin.leadCoordinator') : t('checkin.lead')}>
      {done && (
        <Alert tone="success" title={done}>
          {null}
        </Alert>
      )}
      {error && <ErrorAlert error={error} context="checkIn" />}
      <Scanner onCode={(text) => void submit(text)} paused={pending} />
      <form className="card form-card" onSubmit={onType} noValidate>
        <Field label={t('checkin.code')} hint={t('checkin.codeHint')} error={invalid ? t('error.INVALID_INPUT.field') : undefined}>
          {(p) => (
            <input
              {...p}
              name="code"
              inputMode={coordinator ? 'text' : 'numeric'}
              autoComplete="one-time-code"
              value={typed}
              onChange={(e) => setTyped(e.target.value)}
            />
          )}
        </Field>
        <Button type="submit" variant="primary" busy={pending}>
          {t('checkin.submit')}
        </Button>
      </form>
    </Page>
  );
}

/** The camera, read a few times a second until a QR code shows. */
function Scanner({ onCode, paused }: { onCode: (text: string) => void; paused: boolean }) {
  const { t } = useI18n();
  const video = useRef<HTMLVideoElement>(null);
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [failed, setFailed] = useState(false);
  const last = useRef<{ text: string; at: number }>({ text: '', at: 0 });

  const stop = useCallback(() => {
    setStream((s) => {
      s?.getTracks().forEach((tr) => tr.stop());
      return null;
    });
  }, []);

  const start = async () => {
    setFailed(false);
    try {
      const s = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
      setStream(s);
    } catch {
      setFailed(true);
    }
  };

  useEffect(() => () => stop(), [stop]);

  useEffect(() => {
    const v = video.current;
    if (!stream || !v) return;
    v.srcObject = stream;
    void v.play().catch(() => {});
    const canvas = document.createElement('canvas');
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    const timer = window.setInterval(() => {
      if (paused || !ctx || v.readyState < 2 || !v.videoWidth) return;
      canvas.width = v.videoWidth;
      canvas.height = v.videoHeight;
      ctx.drawImage(v, 0, 0);
      const img = ctx.getImageData(0, 0, canvas.width, canvas.height);
      const found = jsQR(img.data, img.width, img.height, { inversionAttempts: 'dontInvert' });
      if (!found?.data) return;
      // The same code seen again within a few seconds is the same scan.
      const now = Date.now();
      if (found.data === last.current.text && now - last.current.at < 5_000) return;
      last.current = { text: found.data, at: now };
      onCode(found.data);
    }, 250);
    return () => window.clearInterval(timer);
  }, [stream, paused, onCode]);

  return (
    <section className="card scanner" aria-label={t('checkin.camera')}>
      {stream ? (
        <>
          <video ref={video} className="scanner-video" muted playsInline aria-label={t('checkin.camera')} />
          <Button onClick={stop}>{t('checkin.stop')}</Button>
        </>
      ) : (
        <Button variant="primary" icon="search" onClick={() => void start()}>
          {t('checkin.scan')}
        </Button>
      )}
      {failed && <p className="muted">{t('checkin.noCamera')}</p>}
    </section>
  );
}
