import { Link } from 'react-router';
import { useQuery } from '../../api/hooks';
import { CatalogDocument } from '../../gql/graphql';
import { useI18n } from '../../i18n';
import { Card, ErrorAlert, Page } from '../../components/ui';
import { Roles } from './Roles';
import { Jobs } from './Jobs';

export default function Admin() {
  const { t } = useI18n();
  const catalog = useQuery(CatalogDocument, {});
  return (
    <Page wide title={t('admin.title')} lead={t('admin.lead')}>
      {catalog.error && <ErrorAlert error={catalog.error} onRetry={catalog.refetch} />}
      <div className="admin-grid">
        <CatalogueCard />
        <Roles centres={catalog.data?.centres ?? []} />
        <AccountsCard />
        <Jobs />
      </div>
    </Page>
  );
}

/** Centres and positions are edited on their own page (Catalogue.tsx). */
function CatalogueCard() {
  const { t } = useI18n();
  return (
    <Card aria-labelledby="centres-heading">
      <h2 id="centres-heading" className="card-title">
        {t('nav.catalogue')}
      </h2>
      <p className="muted">{t('admin.catalogueLead')}</p>
      <Link className="btn btn-secondary" to="/coordinate/catalogue">
        {t('admin.openCatalogue')}
      </Link>
    </Card>
  );
}

function AccountsCard() {
  const { t } = useI18n();
  return (
    <Card aria-labelledby="accounts-heading">
      <h2 id="accounts-heading" className="card-title">
        {t('accounts.title')}
      </h2>
      <p className="muted">{t('admin.accountsLead')}</p>
      <Link className="btn btn-secondary" to="/admin/accounts">
        {t('admin.openAccounts')}
      </Link>
    </Card>
  );
}
