// A centre's calendar feed, for the coordinator's calendar program.
import { useState } from 'react';
import { useMutation, useQuery } from '../../api/hooks';
import { CentreCalendarUrlDocument, RotateCalendarUrlDocument } from '../../gql/graphql';
import { isMissingFeature } from '../../api/errors';
import { useI18n } from '../../i18n';
import { Button, Dialog, ErrorAlert, Loading } from '../../components/ui';
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

function CentreFeed({ centreId }: { centreId: string }) {
  const { t } = useI18n();
  const q = useQuery(CentreCalendarUrlDocument, { centreId });
  const [rotate, state] = useMutation(RotateCalendarUrlDocument);
  const [url, setUrl] = useState<string | null>(null);
  if (isMissingFeature(q.error)) return <p>{t('state.notAvailable.title')}</p>;
  if (q.error) return <ErrorAlert error={q.error} onRetry={q.refetch} />;
  if (!q.data) return <Loading />;
  return (
    <>
      <p className="muted">{t('feed.centreLead')}</p>
      {state.error && <ErrorAlert error={state.error} />}
      <FeedLink
        url={url ?? q.data.centreCalendarUrl}
        rotating={state.pending}
        onRotate={async () => {
          const d = await rotate({ centreId });
          if (d) setUrl(d.rotateCalendarUrl);
          return !!d;
        }}
      />
    </>
  );
}
