import './boot'; // first: it starts the downloads the first screen waits for
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { I18nProvider, loadCatalog, startingLang } from './i18n';
import { SessionProvider } from './auth/session';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
// The starting language's catalogue comes first (a chunk of its own, fetched
// beside the rest of the first load); the app renders once it is there.
const lang = startingLang();
const messages = await loadCatalog(lang);
createRoot(root).render(
  <StrictMode>
    <I18nProvider initial={{ lang, messages }}>
      <SessionProvider>
        <App />
      </SessionProvider>
    </I18nProvider>
  </StrictMode>,
);
