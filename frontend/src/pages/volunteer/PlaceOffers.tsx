// Places other volunteers offer that the viewer could take (the server
// lists only those every signup rule allows): the first to take one gets it.
import { Link } from 'react-router';
import { useMutation, useQuery } from '../../api/hooks';
import { PlaceOffersDocument, TakePlaceDocument, type MyPlaceFragment } from '../../gql/graphql';
import { useMyNotifications } from '../../api/live';
import { useI18n } from '../../i18n';
import { Button, Card, ErrorAlert } from '../../components/ui';
import { CentreLine, ShiftWhen } from '../../components/shift';
import { formatDateTime } from '../../lib/format';

/** onTaken gets the viewer's place in the shift, CONFIRMED, as takePlace answers it. */
export function PlaceOffers({ onTaken }: { onTaken: (place: MyPlaceFragment) => void }) {
  const { t, locale } = useI18n();
  const q = useQuery(PlaceOffersDocument, {});
  // Offers come and go with notifications (PLACE_OFFERED, a place taken).
  const { refetch } = q;
  useMyNotifications(true, () => void refetch());
  const [take, takeState] = useMutation(TakePlaceDocument);
  const offers = q.data?.placeOffers ?? [];
  if (offers.length === 0 && !takeState.error) return null;
  return (
    <section className="offers" aria-labelledby="offers-heading">
      <h2 id="offers-heading" className="section-title">
        {t('offers.title')}
      </h2>
      <p className="muted">{t('offers.lead')}</p>
      {takeState.error && <ErrorAlert error={takeState.error} context="take" />}
      <ul className="shift-list">
        {offers.map((o) => (
          <Card as="li" key={o.id} className="shift-card">
            <div className="shift-card-main">
              <p className="shift-card-time">
                <ShiftWhen shift={o.shift} short />
              </p>
              <h3 className="shift-card-title">
                <Link to={`/shifts/${o.shift.id}`}>{o.shift.position.name}</Link>
              </h3>
              <p className="shift-card-meta">
                <CentreLine centre={o.shift.centre} />
              </p>
              <p className="muted small">{t('offers.until', { time: formatDateTime(o.expiresAt, locale, o.shift.centre.timezone) })}</p>
            </div>
            <div className="shift-card-action">
              <Button
                variant="primary"
                busy={takeState.pending}
                onClick={async () => {
                  const d = await take({ offerId: o.id });
                  void q.refetch();
                  if (d) onTaken(d.takePlace);
                }}
              >
                {t('offers.take')}
              </Button>
            </div>
          </Card>
        ))}
      </ul>
    </section>
  );
}
