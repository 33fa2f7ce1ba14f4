import { useEffect, useState, type FormEvent } from 'react';
import { api, token } from './api.ts';
import { Audit } from './Audit.tsx';
import { Grants } from './Grants.tsx';
import { People } from './People.tsx';
import { Sources } from './Sources.tsx';
import { Banner } from './ui.tsx';
import { Usage } from './Usage.tsx';

const TABS = { sources: 'Sources', people: 'People', grants: 'Grants', usage: 'Usage', audit: 'Audit' } as const;
type Tab = keyof typeof TABS;

function SignIn({ onDone }: { onDone: () => void }) {
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    token.set(value.trim());
    try {
      const me = await api<{ admin: boolean }>('GET', '/api/me');
      if (!me.admin) throw new Error('This token belongs to someone outside the admin group.');
      onDone();
    } catch (err) {
      token.clear();
      setError((err as Error).message);
    }
  };
  return (
    <main className="signin">
      <h1>Switchboard Hub</h1>
      <p className="muted">Sign in with an admin's personal access token. The first one was printed when the Hub first started.</p>
      <form className="form" onSubmit={(e) => void submit(e)}>
        <label>
          Admin token <input className="input" type="password" value={value} onChange={(e) => setValue(e.target.value)} autoComplete="off" autoFocus />
        </label>
        {error ? <Banner tone="danger">{error}</Banner> : null}
        <button className="btn btn-primary" type="submit">
          Sign in
        </button>
      </form>
    </main>
  );
}

export function App() {
  const [signedIn, setSignedIn] = useState(Boolean(token.get()));
  const [tab, setTab] = useState<Tab>((location.hash.slice(1) as Tab) in TABS ? (location.hash.slice(1) as Tab) : 'sources');
  const [theme, setTheme] = useState<'light' | 'dark'>(matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light');
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  useEffect(() => {
    location.hash = tab;
  }, [tab]);
  if (!signedIn) return <SignIn onDone={() => setSignedIn(true)} />;
  return (
    <div className="shell">
      <header className="topbar">
        <strong>Switchboard Hub</strong>
        <nav aria-label="Sections">
          {(Object.keys(TABS) as Tab[]).map((t) => (
            <button key={t} className={`tab ${t === tab ? 'tab-active' : ''}`} aria-current={t === tab ? 'page' : undefined} onClick={() => setTab(t)}>
              {TABS[t]}
            </button>
          ))}
        </nav>
        <span className="spacer" />
        <a className="btn" href="/marketplace/setup">
          Claude Code setup
        </a>
        <button className="btn" onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')}>
          {theme === 'dark' ? 'Light theme' : 'Dark theme'}
        </button>
        <button
          className="btn"
          onClick={() => {
            token.clear();
            setSignedIn(false);
          }}
        >
          Sign out
        </button>
      </header>
      <main className="content">
        {tab === 'sources' ? <Sources /> : tab === 'people' ? <People /> : tab === 'grants' ? <Grants /> : tab === 'usage' ? <Usage /> : <Audit />}
      </main>
    </div>
  );
}
