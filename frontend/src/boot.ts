// The first load's head start, evaluated before the rest of main.tsx: it
// asks for what the first screen needs next - the starting language's
// catalogue and the page's own chunk - together, as soon as the app's
// scripts run, instead of the page's chunk only after the catalogue has
// come and the router has rendered (issue 12: on a throttled phone the
// first list of shifts came three round trips after React).
import { loadCatalog, startingLang } from './i18n/lang';

void loadCatalog(startingLang()).catch(() => {}); // main.tsx reports a failure

// The pages people land on; the others load when visited (App.tsx).
const firstPages: [RegExp, () => Promise<unknown>][] = [
  [/^\/(shifts\/?)?$/, () => import('./pages/volunteer/BrowseShifts')],
  [/^\/my-shifts\/?$/, () => import('./pages/volunteer/MyShifts')],
  [/^\/coordinate\/?$/, () => import('./pages/coordinator/WeekCalendar')],
];
for (const [path, load] of firstPages) {
  if (path.test(location.pathname)) void load().catch(() => {}); // App.tsx's lazy import reports it
}
