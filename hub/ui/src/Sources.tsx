import { useState, type FormEvent } from 'react';
import { api, when, type Source } from './api.ts';
import { Banner, Panel, useAction, useLoad } from './ui.tsx';

export function Sources() {
  const { data, error, reload } = useLoad(() => api<Source[]>('GET', '/api/admin/sources'));
  const action = useAction(reload);
  const [form, setForm] = useState({ name: '', kind: 'git', url: '', token: '' });
  const add = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      await api('POST', '/api/admin/sources', { ...form, token: form.token || undefined });
      setForm({ name: '', kind: 'git', url: '', token: '' });
    });
  };
  return (
    <>
      <Panel
        title="Sources"
        actions={
          <button className="btn" disabled={action.busy} onClick={() => void action.run(() => api('POST', '/api/admin/sources/sync'))}>
            Sync all
          </button>
        }
      >
        {error ? <Banner tone="danger">{error}</Banner> : null}
        {action.error ? <Banner tone="danger">{action.error}</Banner> : null}
        <ul className="rows" aria-label="Sources">
          {(data ?? []).map((s) => (
            <li key={s.id} className="row" aria-label={s.name}>
              <div className="row-main">
                <div>
                  <strong>{s.name}</strong> <span className="badge">{s.kind === 'git' ? 'Claude Code marketplace' : 'Switchboard catalog'}</span>
                  {s.hasToken ? <span className="badge">token</span> : null}
                </div>
                <div className="muted mono">{s.url}</div>
                <div className="muted">
                  {s.pluginCount} plugins · last good sync {when(s.lastOkAt)}
                  {s.revision ? <> · <span className="mono">{s.revision.slice(0, 10)}</span></> : null}
                </div>
                {s.lastError ? (
                  <Banner tone="danger">
                    Last sync {when(s.lastSyncAt)} failed; the last good content is kept. {s.lastError}
                  </Banner>
                ) : null}
                {s.skipped.length ? <div className="muted">Skipped: {s.skipped.map((k) => `${k.name} (${k.reason})`).join('; ')}</div> : null}
              </div>
              <div className="row-actions">
                <button className="btn" disabled={action.busy} onClick={() => void action.run(() => api('POST', `/api/admin/sources/${s.id}/sync`))}>
                  Sync now
                </button>
                <button className="btn btn-danger" disabled={action.busy} onClick={() => void action.run(() => api('DELETE', `/api/admin/sources/${s.id}`))}>
                  Remove
                </button>
              </div>
            </li>
          ))}
          {data && data.length === 0 ? <li className="muted">No sources yet. Add a catalog URL or a marketplace repository below.</li> : null}
        </ul>
      </Panel>
      <Panel title="Add a source">
        <form className="form" onSubmit={add}>
          <label>
            Name <input className="input" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
          </label>
          <label>
            Kind
            <select className="input" value={form.kind} onChange={(e) => setForm({ ...form, kind: e.target.value })}>
              <option value="git">Claude Code marketplace (git)</option>
              <option value="catalog">Switchboard catalog (https)</option>
            </select>
          </label>
          <label>
            Address <input className="input" value={form.url} onChange={(e) => setForm({ ...form, url: e.target.value })} spellCheck={false} />
          </label>
          <label>
            Token (optional, for private sources) <input className="input" type="password" value={form.token} onChange={(e) => setForm({ ...form, token: e.target.value })} autoComplete="off" />
          </label>
          <button className="btn btn-primary" type="submit" disabled={action.busy}>
            Add source
          </button>
        </form>
      </Panel>
    </>
  );
}
