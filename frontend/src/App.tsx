// Routes. Each page is its own chunk, loaded when first visited.
import { lazy, Suspense, type ReactNode } from 'react';
import { createBrowserRouter, Navigate, RouterProvider, useLocation, useRouteError } from 'react-router';
import { AppLayout } from './components/Layout';
import { Empty, ErrorAlert, Loading, Page } from './components/ui';
import { homeOf, useSession } from './auth/session';
import { useI18n } from './i18n';
import type { Role } from './gql/graphql';

const Login = lazy(() => import('./pages/auth/Login'));
const LiveBoard = lazy(() => import('./pages/coordinator/LiveBoard'));
const Register = lazy(() => import('./pages/auth/Register'));
const ForgotPassword = lazy(() => import('./pages/auth/ForgotPassword'));
const ResetPassword = lazy(() => import('./pages/auth/ResetPassword'));
const BrowseShifts = lazy(() => import('./pages/volunteer/BrowseShifts'));
const ShiftDetail = lazy(() => import('./pages/volunteer/ShiftDetail'));
const MyShifts = lazy(() => import('./pages/volunteer/MyShifts'));
const MyHours = lazy(() => import('./pages/volunteer/MyHours'));
const Availability = lazy(() => import('./pages/volunteer/Availability'));
const Notifications = lazy(() => import('./pages/volunteer/Notifications'));
const Profile = lazy(() => import('./pages/volunteer/Profile'));
const WeekCalendar = lazy(() => import('./pages/coordinator/WeekCalendar'));
const CreateShifts = lazy(() => import('./pages/coordinator/CreateShifts'));
const ManageShift = lazy(() => import('./pages/coordinator/ManageShift'));
const Understaffed = lazy(() => import('./pages/coordinator/Understaffed'));
const Volunteers = lazy(() => import('./pages/coordinator/Volunteers'));
const Dashboard = lazy(() => import('./pages/staff/Dashboard'));
const Admin = lazy(() => import('./pages/admin/Admin'));
const AuditLog = lazy(() => import('./pages/admin/AuditLog'));
const Accounts = lazy(() => import('./pages/admin/Accounts'));
const Kiosk = lazy(() => import('./pages/checkin/Kiosk'));
const CheckIn = lazy(() => import('./pages/checkin/CheckIn'));
const Kiosks = lazy(() => import('./pages/coordinator/Kiosks'));
const Programme = lazy(() => import('./pages/volunteer/Programme'));
const CoordinatorProgramme = lazy(() => import('./pages/coordinator/Programme'));
const Apply = lazy(() => import('./pages/programme/Apply'));
const Cohorts = lazy(() => import('./pages/programme/Cohorts'));
const Applications = lazy(() => import('./pages/programme/Applications'));
const Training = lazy(() => import('./pages/training/Training'));
const Catalogue = lazy(() => import('./pages/admin/Catalogue'));

function Lazy({ children }: { children: ReactNode }) {
  return <Suspense fallback={<Loading />}>{children}</Suspense>;
}

/** Only for signed-in people (of one of roles, when given); others go to sign in. */
function Guard({ roles, children }: { roles?: Role[]; children: ReactNode }) {
  const { viewer, error, hasRole } = useSession();
  const { t } = useI18n();
  const location = useLocation();
  if (viewer === undefined) return error ? <div className="page"><ErrorAlert error={error} /></div> : <Loading />;
  if (viewer === null) return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  if (roles && !hasRole(...roles)) {
    return (
      <Page title={t('error.FORBIDDEN.title')}>
        <Empty icon="shield" title={t('error.FORBIDDEN')} />
      </Page>
    );
  }
  return <Lazy>{children}</Lazy>;
}

function Home() {
  const { viewer, error } = useSession();
  if (viewer === undefined) return error ? <div className="page"><ErrorAlert error={error} /></div> : <Loading />;
  return <Navigate to={viewer ? homeOf(viewer) : '/shifts'} replace />;
}

function NotFound() {
  const { t } = useI18n();
  return (
    <Page title={t('notFound.title')}>
      <Empty icon="search" title={t('notFound.text')} action={<a className="btn btn-primary" href="/">{t('notFound.home')}</a>} />
    </Page>
  );
}

function RouteError() {
  const { t } = useI18n();
  const err = useRouteError();
  // A chunk that fails to load after a new release: reloading fetches the new one.
  const stale = err instanceof TypeError && /dynamically imported module|Importing a module script failed/.test(err.message);
  return (
    <div className="page">
      <Empty
        icon="alert"
        title={stale ? t('error.staleApp') : t('error.INTERNAL')}
        action={
          <button type="button" className="btn btn-primary" onClick={() => window.location.reload()}>
            {t('action.reload')}
          </button>
        }
      />
    </div>
  );
}

const router = createBrowserRouter([
  { path: '/login', element: <Lazy><Login /></Lazy>, errorElement: <RouteError /> },
  { path: '/register', element: <Lazy><Register /></Lazy>, errorElement: <RouteError /> },
  { path: '/forgot-password', element: <Lazy><ForgotPassword /></Lazy>, errorElement: <RouteError /> },
  { path: '/reset-password', element: <Lazy><ResetPassword /></Lazy>, errorElement: <RouteError /> },
  { path: '/kiosk', element: <Lazy><Kiosk /></Lazy>, errorElement: <RouteError /> },
  { path: '/apply', element: <Lazy><Apply /></Lazy>, errorElement: <RouteError /> },
  {
    element: <AppLayout />,
    errorElement: <RouteError />,
    children: [
      { index: true, element: <Home /> },
      { path: 'shifts', element: <Lazy><BrowseShifts /></Lazy> },
      { path: 'shifts/:id', element: <Lazy><ShiftDetail /></Lazy> },
      { path: 'my-shifts', element: <Guard roles={['VOLUNTEER']}><MyShifts /></Guard> },
      { path: 'my-hours', element: <Guard roles={['VOLUNTEER']}><MyHours /></Guard> },
      { path: 'availability', element: <Guard roles={['VOLUNTEER']}><Availability /></Guard> },
      { path: 'notifications', element: <Guard><Notifications /></Guard> },
      { path: 'profile', element: <Guard><Profile /></Guard> },
      { path: 'coordinate', element: <Guard roles={['COORDINATOR', 'ADMIN']}><WeekCalendar /></Guard> },
      { path: 'coordinate/board', element: <Guard roles={['COORDINATOR', 'ADMIN']}><LiveBoard /></Guard> },
      { path: 'coordinate/new', element: <Guard roles={['COORDINATOR', 'ADMIN']}><CreateShifts /></Guard> },
      { path: 'coordinate/understaffed', element: <Guard roles={['COORDINATOR', 'ADMIN']}><Understaffed /></Guard> },
      { path: 'checkin', element: <Guard><CheckIn /></Guard> },
      { path: 'programme', element: <Guard roles={['VOLUNTEER']}><Programme /></Guard> },
      { path: 'coordinate/programme', element: <Guard roles={['COORDINATOR', 'ADMIN', 'STAFF']}><CoordinatorProgramme /></Guard> },
      { path: 'coordinate/catalogue', element: <Guard roles={['COORDINATOR', 'ADMIN']}><Catalogue /></Guard> },
      { path: 'coordinate/kiosks', element: <Guard roles={['COORDINATOR', 'ADMIN']}><Kiosks /></Guard> },
      { path: 'coordinate/volunteers', element: <Guard roles={['COORDINATOR', 'ADMIN']}><Volunteers /></Guard> },
      { path: 'coordinate/shifts/:id', element: <Guard roles={['COORDINATOR', 'ADMIN']}><ManageShift /></Guard> },
      { path: 'programme/cohorts', element: <Guard roles={['STAFF', 'ADMIN', 'COORDINATOR']}><Cohorts /></Guard> },
      { path: 'programme/training', element: <Guard roles={['STAFF', 'ADMIN', 'COORDINATOR']}><Training /></Guard> },
      { path: 'programme/applications', element: <Guard roles={['STAFF', 'ADMIN', 'COORDINATOR']}><Applications /></Guard> },
      { path: 'reports', element: <Guard roles={['STAFF', 'ADMIN']}><Dashboard /></Guard> },
      { path: 'admin', element: <Guard roles={['ADMIN']}><Admin /></Guard> },
      { path: 'admin/audit', element: <Guard roles={['ADMIN']}><AuditLog /></Guard> },
      { path: 'admin/accounts', element: <Guard roles={['ADMIN']}><Accounts /></Guard> },
      { path: '*', element: <NotFound /> },
    ],
  },
]);

export function App() {
  return <RouterProvider router={router} />;
}
