// A calendar feed's secret address: shown to copy into a calendar program,
// with a way to replace it when it has leaked.
import { useId, useState } from 'react';
import { useI18n } from '../i18n';
import { Alert, Button, Dialog } from './ui';

/** The absolute address: the server may answer with a path. */
export function absoluteUrl(url: string): string {
  return new URL(url, window.location.origin).toString();
}

export function FeedLink({ url, onRotate, rotating }: { url: string; onRotate: () => Promise<boolean>; rotating: boolean }) {
  const { t } = useI18n();
  const id = useId();
  const [copied, setCopied] = useState(false);
  const [confirm, setConfirm] = useState(false);
  const full = absoluteUrl(url);
  const webcal = full.replace(/^https?:/, 'webcal:');
  return (
    <div className="feed">
      <label htmlFor={id} className="label">
        {t('feed.address')}
      </label>
      <div className="feed-row">
        <input id={id} readOnly value={full} onFocus={(e) => e.target.select()} spellCheck={false} />
        <Button
          icon="link"
          onClick={async () => {
            try {
              await navigator.clipboard.writeText(full);
              setCopied(true);
            } catch {
              document.getElementById(id)?.focus();
            }
          }}
        >
          {t('feed.copy')}
        </Button>
      </div>
      {copied && <Alert tone="success" title={t('feed.copied')} />}
      <p className="muted small">{t('feed.help')}</p>
      <div className="button-row">
        <a className="btn btn-secondary btn-small" href={webcal}>
          {t('feed.subscribe')}
        </a>
        <Button size="small" variant="ghost" onClick={() => setConfirm(true)}>
          {t('feed.rotate')}
        </Button>
      </div>
      <Dialog
        open={confirm}
        title={t('feed.rotate')}
        onClose={() => setConfirm(false)}
        footer={
          <>
            <Button onClick={() => setConfirm(false)}>{t('action.keep')}</Button>
            <Button
              variant="danger"
              busy={rotating}
              onClick={async () => {
                if (await onRotate()) {
                  setCopied(false);
                  setConfirm(false);
                }
              }}
            >
              {t('feed.rotateConfirm')}
            </Button>
          </>
        }
      >
        <p>{t('feed.rotateText')}</p>
      </Dialog>
    </div>
  );
}
