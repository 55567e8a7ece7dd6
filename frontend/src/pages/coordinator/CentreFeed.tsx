// A centre's calendar feed, for the coordinator's calendar program.
import { useState } from 'react';
import { useMutation } from '../../api/hooks';
import { RotateCalendarUrlDocument } from '../../gql/graphql';
import { isMissingFeature } from '../../api/errors';
import { useI18n } from '../../i18n';
import { Button, Dialog, ErrorAlert } from '../../components/ui';
import { FeedLink } from '../../components/FeedLink';

export function CentreFeedButton({ centreId }: { centreId: string }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button icon="calendar" onClick={() => setOpen(true)}>
        {t('feed.centre')}
      </Button>
      {open && (
        <Dialog open title={t('feed.centre')} onClose={() => setOpen(false)}>
          <CentreFeed centreId={centreId} />
        </Dialog>
      )}
    </>
  );
}

// The address is kept by the server only as a hash: it is shown once, when
// the coordinator asks for it, and asking again makes a new one.
function CentreFeed({ centreId }: { centreId: string }) {
  const { t } = useI18n();
  const [rotate, state] = useMutation(RotateCalendarUrlDocument);
  const [url, setUrl] = useState<string | null>(null);
  if (isMissingFeature(state.error)) return <p>{t('state.notAvailable.title')}</p>;
  return (
    <>
      <p className="muted">{t('feed.centreLead')}</p>
      {state.error && <ErrorAlert error={state.error} />}
      {url ? (
        <FeedLink
          url={url}
          rotating={state.pending}
          onRotate={async () => {
            const d = await rotate({ centreId });
            if (d) setUrl(d.rotateCalendarUrl);
            return !!d;
          }}
        />
      ) : (
        <>
          <p className="muted small">{t('feed.once')}</p>
          <Button
            busy={state.pending}
            onClick={async () => {
              const d = await rotate({ centreId });
              if (d) setUrl(d.rotateCalendarUrl);
            }}
          >
            {t('feed.create')}
          </Button>
        </>
      )}
    </>
  );
}
