import { useState, type FormEvent } from 'react';
import { api, when, type Group, type Token, type User } from './api.ts';
import { Banner, Panel, useAction, useLoad } from './ui.tsx';

export function People() {
  const users = useLoad(() => api<User[]>('GET', '/api/admin/users'));
  const groups = useLoad(() => api<Group[]>('GET', '/api/admin/groups'));
  const tokens = useLoad(() => api<Token[]>('GET', '/api/admin/tokens'));
  const reload = () => {
    users.reload();
    groups.reload();
    tokens.reload();
  };
  const action = useAction(reload);
  const [userName, setUserName] = useState('');
  const [groupName, setGroupName] = useState('');
  const [created, setCreated] = useState<{ user: string; token: string } | null>(null);
  const [expiryDays, setExpiryDays] = useState('90');
  const names = new Map((users.data ?? []).map((u) => [u.id, u.name]));

  const addUser = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      await api('POST', '/api/admin/users', { name: userName });
      setUserName('');
    });
  };
  const addGroup = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      await api('POST', '/api/admin/groups', { name: groupName });
      setGroupName('');
    });
  };
  const newToken = (u: User) =>
    void action.run(async () => {
      const expiresAt = expiryDays ? new Date(Date.now() + Number(expiryDays) * 86_400_000).toISOString() : null;
      const t = await api<{ token: string }>('POST', `/api/admin/users/${u.id}/tokens`, { name: 'personal access token', expiresAt });
      setCreated({ user: u.name, token: t.token });
    });

  return (
    <>
      {action.error ? <Banner tone="danger">{action.error}</Banner> : null}
      {created ? (
        <Banner tone="success">
          New token for {created.user}, shown only now: <code className="secret">{created.token}</code>{' '}
          <button className="btn" onClick={() => setCreated(null)}>
            Done
          </button>
        </Banner>
      ) : null}
      <Panel title="Users">
        <ul className="rows" aria-label="Users">
          {(users.data ?? []).map((u) => (
            <li key={u.id} className="row row-center" aria-label={u.name}>
              <div className="row-main">
                <div>
                  <strong>{u.name}</strong>{' '}
                  {u.groups.map((g) => (
                    <span key={g} className="badge">
                      {g}
                      <button
                        className="badge-remove"
                        aria-label={`Remove ${u.name} from ${g}`}
                        onClick={() => void action.run(() => api('DELETE', `/api/admin/users/${u.id}/groups/${encodeURIComponent(g)}`))}
                      >
                        ×
                      </button>
                    </span>
                  ))}
                </div>
              </div>
              <div className="row-actions">
                <select
                  className="input"
                  aria-label={`Add ${u.name} to a group`}
                  value=""
                  onChange={(e) => void action.run(() => api('POST', `/api/admin/users/${u.id}/groups`, { group: e.target.value }))}
                >
                  <option value="">Add to group…</option>
                  {(groups.data ?? []).filter((g) => !u.groups.includes(g.name)).map((g) => <option key={g.id}>{g.name}</option>)}
                </select>
                <button className="btn" onClick={() => newToken(u)}>
                  New token
                </button>
                <button className="btn btn-danger" aria-label={`Delete ${u.name}`} onClick={() => void action.run(() => api('DELETE', `/api/admin/users/${u.id}`))}>
                  Delete
                </button>
              </div>
            </li>
          ))}
        </ul>
        <label className="form-inline muted">
          New tokens expire after
          <select className="input" aria-label="New tokens expire after" value={expiryDays} onChange={(e) => setExpiryDays(e.target.value)}>
            <option value="30">30 days</option>
            <option value="90">90 days</option>
            <option value="365">a year</option>
            <option value="">never</option>
          </select>
        </label>
        <form className="form-inline" onSubmit={addUser}>
          <input className="input" aria-label="New user name" placeholder="new user name" value={userName} onChange={(e) => setUserName(e.target.value)} />
          <button className="btn btn-primary" type="submit">
            Add user
          </button>
        </form>
      </Panel>
      <Panel title="Groups">
        <ul className="rows" aria-label="Groups">
          {(groups.data ?? []).map((g) => (
            <li key={g.id} className="row row-center" aria-label={g.name}>
              <div className="row-main">
                <div>
                  <strong>{g.name}</strong> <span className="muted">{g.members.length ? g.members.join(', ') : 'no members'}</span>
                </div>
              </div>
              {g.name === 'admin' ? (
                <span className="muted">Admins read everyone's usage</span>
              ) : (
                <div className="row-actions">
                  <label className="form-inline muted">
                    <input
                      type="checkbox"
                      aria-label={`Members of ${g.name} read the group's usage`}
                      checked={g.permissions.includes('usage:read')}
                      onChange={(e) => void action.run(() => api('POST', `/api/admin/groups/${g.id}/permissions`, { permission: 'usage:read', granted: e.target.checked }))}
                    />
                    Members read the group's usage
                  </label>
                  <button className="btn btn-danger" aria-label={`Delete group ${g.name}`} onClick={() => void action.run(() => api('DELETE', `/api/admin/groups/${g.id}`))}>
                    Delete
                  </button>
                </div>
              )}
            </li>
          ))}
        </ul>
        <form className="form-inline" onSubmit={addGroup}>
          <input className="input" aria-label="New group name" placeholder="new group name" value={groupName} onChange={(e) => setGroupName(e.target.value)} />
          <button className="btn btn-primary" type="submit">
            Add group
          </button>
        </form>
      </Panel>
      <Panel title="Tokens">
        <table className="table" aria-label="Tokens">
          <thead>
            <tr>
              <th>User</th>
              <th>Name</th>
              <th>Created</th>
              <th>Expires</th>
              <th>Last used</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {(tokens.data ?? []).map((t) => (
              <tr key={t.id}>
                <td>{names.get(t.userId) ?? t.userId}</td>
                <td>{t.name}</td>
                <td>{when(t.createdAt)}</td>
                <td>{t.expiresAt ? when(t.expiresAt) : 'never'}</td>
                <td>{when(t.lastUsedAt)}</td>
                <td>
                  {t.revokedAt ? (
                    <span className="muted">revoked {when(t.revokedAt)}</span>
                  ) : (
                    <button className="btn btn-danger" aria-label={`Revoke ${t.name} of ${names.get(t.userId) ?? ''}`} onClick={() => void action.run(() => api('DELETE', `/api/admin/tokens/${t.id}`))}>
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Panel>
    </>
  );
}
