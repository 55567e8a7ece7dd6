import { Link } from 'react-router';
import { useMutation, useQuery } from '../../api/hooks';
import { MarkNotificationsReadDocument, MyNotificationsDocument } from '../../gql/graphql';
import { useI18n } from '../../i18n';
import { Button, Empty, ErrorAlert, Loading, NotAvailable, Page } from '../../components/ui';
import { formatDateTime } from '../../lib/format';
import { Icon } from '../../components/icons';
import { notifyUnreadChanged } from '../../components/unread';
import { isMissingFeature } from '../../api/errors';

export default function Notifications() {
  const { t } = useI18n();
  return (
    <Page title={t('notifications.title')} lead={t('notifications.lead')}>
      <NotificationList />
    </Page>
  );
}

function NotificationList() {
  const { t, locale } = useI18n();
  const q = useQuery(MyNotificationsDocument, { first: 50 });
  const [mark, markState] = useMutation(MarkNotificationsReadDocument);
  if (isMissingFeature(q.error)) return <NotAvailable what="notifications.title" />;
  if (q.error) return <ErrorAlert error={q.error} onRetry={q.refetch} />;
  if (!q.data) return <Loading />;
  const list = q.data.myNotifications;
  if (list.length === 0) return <Empty icon="bell" title={t('notifications.empty')} />;
  const own = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const unread = list.filter((n) => !n.read).length;
  return (
    <>
      {unread > 0 && (
        <div className="list-toolbar">
          <p className="muted">{t('notifications.unread', { count: unread })}</p>
          <Button
            size="small"
            icon="check"
            busy={markState.pending}
            onClick={async () => {
              if ((await mark({ ids: null })) !== undefined) {
                notifyUnreadChanged();
                void q.refetch();
              }
            }}
          >
            {t('notifications.markAllRead')}
          </Button>
        </div>
      )}
      {markState.error && <ErrorAlert error={markState.error} />}
      <ul className="notification-list">
        {list.map((n) => (
          <li key={n.id} className={n.read ? 'card notification' : 'card notification notification-unread'}>
            <span className="notification-icon">
              <Icon name="bell" size={20} />
            </span>
            <div className="notification-main">
              <h2 className="notification-title">
                {!n.read && <span className="visually-hidden">{t('notifications.new')}: </span>}
                {n.title}
              </h2>
              {n.body.split(/\n\s*\n/).map((para, i) => (
                <p key={i} className="notification-body">
                  {para}
                </p>
              ))}
              <p className="muted small">
                <time dateTime={n.createdAt}>{formatDateTime(n.createdAt, locale, n.shift?.centre.timezone ?? own)}</time>
                {n.shift && (
                  <>
                    {' · '}
                    <Link to={`/shifts/${n.shift.id}`}>{t('notifications.openShift')}</Link>
                  </>
                )}
              </p>
            </div>
            {!n.read && <span className="unread-dot" aria-hidden="true" />}
          </li>
        ))}
      </ul>
    </>
  );
}
