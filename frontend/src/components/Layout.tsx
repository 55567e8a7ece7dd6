// The frame of every page: header with the brand, language and account;
// navigation by role (a sidebar on wide screens, a menu and a tab bar on phones).
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { Link, NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { languages, nativeName, useI18n, type Lang, type MessageKey } from '../i18n';
import { useSession } from '../auth/session';
import { AppLanguageSync } from '../auth/appLanguage';
import type { Role } from '../gql/graphql';
import { Icon, type IconName } from './icons';
import { useUnreadCount } from './unread';

interface NavItem {
  to: string;
  label: MessageKey;
  icon: IconName;
  /** Shown in the phone's bottom tab bar. */
  tab?: boolean;
  end?: boolean;
}

interface NavGroup {
  label: MessageKey;
  roles: Role[] | 'anyone';
  items: NavItem[];
}

const groups: NavGroup[] = [
  {
    label: 'nav.group.volunteer',
    roles: ['VOLUNTEER'],
    items: [
      { to: '/shifts', label: 'nav.shifts', icon: 'search', tab: true },
      { to: '/my-shifts', label: 'nav.myShifts', icon: 'calendar', tab: true },
      { to: '/my-hours', label: 'hours.link', icon: 'shield' },
      { to: '/programme', label: 'nav.programme', icon: 'users', end: true },
      { to: '/checkin', label: 'nav.checkIn', icon: 'check' },
      { to: '/availability', label: 'nav.availability', icon: 'clock', tab: true },
      { to: '/notifications', label: 'nav.notifications', icon: 'bell', tab: true },
      { to: '/profile', label: 'nav.profile', icon: 'user', tab: true },
    ],
  },
  {
    label: 'nav.group.coordinator',
    roles: ['COORDINATOR', 'ADMIN'],
    items: [
      { to: '/coordinate', label: 'nav.calendar', icon: 'calendar', end: true },
      { to: '/coordinate/board', label: 'nav.board', icon: 'clock' },
      { to: '/coordinate/understaffed', label: 'nav.understaffed', icon: 'alert' },
      { to: '/coordinate/new', label: 'nav.newShifts', icon: 'plus' },
      { to: '/coordinate/volunteers', label: 'nav.volunteers', icon: 'users' },
      { to: '/coordinate/kiosks', label: 'nav.kiosks', icon: 'shield' },
    ],
  },
  {
    label: 'nav.group.programme',
    roles: ['STAFF', 'ADMIN', 'COORDINATOR'],
    items: [
      { to: '/programme/applications', label: 'nav.applications', icon: 'list' },
      { to: '/programme/cohorts', label: 'nav.cohorts', icon: 'users' },
      { to: '/programme/training', label: 'nav.training', icon: 'shield' },
      { to: '/coordinate/programme', label: 'nav.programmeCoord', icon: 'check' },
    ],
  },
  {
    label: 'nav.group.staff',
    roles: ['STAFF', 'ADMIN'],
    items: [{ to: '/reports', label: 'nav.reports', icon: 'chart' }],
  },
  {
    label: 'nav.group.admin',
    roles: ['ADMIN'],
    items: [
      { to: '/admin', label: 'nav.admin', icon: 'settings', end: true },
      { to: '/admin/accounts', label: 'nav.accounts', icon: 'users' },
      { to: '/admin/audit', label: 'nav.audit', icon: 'list' },
    ],
  },
];

export function LanguageSwitcher({ compact }: { compact?: boolean }) {
  const { t, lang, setLang } = useI18n();
  const id = useId();
  return (
    <div className={compact ? 'lang-switch lang-switch-compact' : 'lang-switch'}>
      <label htmlFor={id} className={compact ? 'visually-hidden' : undefined}>
        {t('nav.language')}
      </label>
      <Icon name="globe" size={18} />
      <select id={id} value={lang} onChange={(e) => setLang(e.target.value as Lang)}>
        {languages.map((l) => (
          <option key={l} value={l} lang={l}>
            {compact ? l.toUpperCase() : nativeName[l]}
          </option>
        ))}
      </select>
    </div>
  );
}

function Brand() {
  const { t } = useI18n();
  return (
    <Link to="/" className="brand">
      <span className="brand-mark" aria-hidden="true">
        K
      </span>
      <span className="brand-name">{t('app.name')}</span>
    </Link>
  );
}

function useNavGroups(): NavGroup[] {
  const { viewer } = useSession();
  if (!viewer) return [{ label: 'nav.group.volunteer', roles: 'anyone', items: [{ to: '/shifts', label: 'nav.shifts', icon: 'search' }] }];
  return groups.filter((g) => g.roles === 'anyone' || g.roles.some((r) => viewer.roles.includes(r)));
}

function UnreadBadge({ count }: { count: number }) {
  const { t } = useI18n();
  if (count <= 0) return null;
  return (
    <span className="nav-badge">
      <span aria-hidden="true">{count > 99 ? '99+' : count}</span>
      <span className="visually-hidden">{t('notifications.unread', { count })}</span>
    </span>
  );
}

function NavLinks({ onNavigate, unread }: { onNavigate?: () => void; unread: number }) {
  const { t } = useI18n();
  const visible = useNavGroups();
  return (
    <>
      {visible.map((g) => (
        <div className="nav-group" key={g.label}>
          {visible.length > 1 && <p className="nav-group-label">{t(g.label)}</p>}
          <ul>
            {g.items.map((item) => (
              <li key={item.to}>
                <NavLink to={item.to} end={item.end ?? false} className="nav-link" onClick={onNavigate}>
                  <Icon name={item.icon} />
                  <span>{t(item.label)}</span>
                  {item.to === '/notifications' && <UnreadBadge count={unread} />}
                </NavLink>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </>
  );
}

function Account() {
  const { t } = useI18n();
  const { viewer, signOut } = useSession();
  const navigate = useNavigate();
  if (viewer === undefined) return null;
  if (!viewer) {
    return (
      <div className="account">
        <Link className="btn btn-ghost btn-small" to="/login">
          {t('nav.signIn')}
        </Link>
        <Link className="btn btn-primary btn-small" to="/register">
          {t('nav.register')}
        </Link>
      </div>
    );
  }
  const name = viewer.volunteer?.fullName ?? viewer.email;
  return (
    <div className="account">
      <span className="account-name hide-phone" title={viewer.email}>
        {name}
      </span>
      <button
        type="button"
        className="btn btn-ghost btn-small"
        onClick={async () => {
          await signOut();
          navigate('/login');
        }}
      >
        <Icon name="logout" size={18} />
        <span className="sr-phone">{t('nav.signOut')}</span>
      </button>
    </div>
  );
}

/** The phone's bottom tab bar, for volunteers. */
function TabBar({ unread }: { unread: number }) {
  const { t } = useI18n();
  const { viewer } = useSession();
  if (!viewer || !viewer.roles.includes('VOLUNTEER') || viewer.roles.some((r) => r !== 'VOLUNTEER')) return null;
  const items = groups[0]?.items.filter((i) => i.tab) ?? [];
  return (
    <nav className="tabbar" aria-label={t('nav.tabs')}>
      <ul>
        {items.map((item) => (
          <li key={item.to}>
            <NavLink to={item.to} className="tab">
              <span className="tab-icon">
                <Icon name={item.icon} size={22} />
                {item.to === '/notifications' && <UnreadBadge count={unread} />}
              </span>
              <span className="tab-label">{t(item.label)}</span>
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}

export function AppLayout() {
  const { t } = useI18n();
  const { viewer } = useSession();
  const [menuOpen, setMenuOpen] = useState(false);
  const unread = useUnreadCount();
  const location = useLocation();
  useEffect(() => setMenuOpen(false), [location.pathname]);
  // After moving to another page, start reading and tabbing at its content,
  // as a full page load would (not on the first page, where the browser does).
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    document.getElementById('main')?.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }, [location.pathname]);
  const onlyVolunteer = !!viewer && viewer.roles.every((r) => r === 'VOLUNTEER');
  // Visitors and volunteers find everything in the page and the tab bar; the others get a menu on phones.
  const menu = !!viewer && !onlyVolunteer;
  return (
    <div className={onlyVolunteer ? 'shell shell-tabs' : 'shell'}>
      <AppLanguageSync />
      <a className="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <header className="topbar">
        <div className="topbar-inner">
          {menu && (
            <button
              type="button"
              className="icon-btn menu-btn"
              aria-expanded={menuOpen}
              aria-controls="phone-menu"
              onClick={() => setMenuOpen((o) => !o)}
            >
              <Icon name={menuOpen ? 'x' : 'menu'} />
              <span className="visually-hidden">{t('nav.menu')}</span>
            </button>
          )}
          <Brand />
          <div className="topbar-end">
            <LanguageSwitcher compact />
            <Account />
          </div>
        </div>
        {menu && menuOpen && (
          <nav id="phone-menu" className="phone-menu" aria-label={t('nav.main')}>
            <NavLinks onNavigate={() => setMenuOpen(false)} unread={unread} />
          </nav>
        )}
      </header>
      <div className="body">
        <nav className="sidebar" aria-label={t('nav.main')}>
          <NavLinks unread={unread} />
        </nav>
        <main id="main" tabIndex={-1}>
          <Outlet />
        </main>
      </div>
      <TabBar unread={unread} />
    </div>
  );
}

/** A page for signing in and registering: brand and language on top, a card in the middle. */
export function AuthLayout({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  return (
    <div className="auth-shell">
      <a className="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <header className="auth-top">
        <Brand />
        <LanguageSwitcher compact />
      </header>
      <main id="main" className="auth-main" tabIndex={-1}>
        <div className="auth-intro">
          <p className="auth-kicker">{t('auth.kicker')}</p>
          <p className="auth-headline">{t('auth.headline')}</p>
          <ul className="auth-points">
            <li>
              <Icon name="search" />
              {t('auth.point.find')}
            </li>
            <li>
              <Icon name="clock" />
              {t('auth.point.hours')}
            </li>
            <li>
              <Icon name="bell" />
              {t('auth.point.remind')}
            </li>
          </ul>
        </div>
        <div className="auth-card">{children}</div>
      </main>
    </div>
  );
}
