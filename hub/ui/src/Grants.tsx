import { api, type Grant, type Group, type Plugin } from './api.ts';
import { Banner, Panel, useAction, useLoad } from './ui.tsx';

/** Plugins × groups: a tick grants `<source>/<plugin>` to the group. Admins see only what the admin group is granted, too. */
export function Grants() {
  const plugins = useLoad(() => api<Plugin[]>('GET', '/api/admin/plugins'));
  const groups = useLoad(() => api<Group[]>('GET', '/api/admin/groups'));
  const grants = useLoad(() => api<Grant[]>('GET', '/api/admin/grants'));
  const action = useAction(grants.reload);
  const granted = new Set((grants.data ?? []).map((g) => `${g.ref} ${g.groupName}`));
  return (
    <Panel title="Grants">
      {action.error ? <Banner tone="danger">{action.error}</Banner> : null}
      <p className="muted">Everyone sees only the plugins granted to their groups. Admins are no exception: grant to the admin group what admins should see.</p>
      <div className="table-wrap">
        <table className="table matrix" aria-label="Grants">
          <thead>
            <tr>
              <th>Plugin</th>
              {(groups.data ?? []).map((g) => (
                <th key={g.id}>{g.name}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {(plugins.data ?? []).map((p) => (
              <tr key={p.ref}>
                <th scope="row">
                  <span className="mono">{p.ref}</span> <span className="badge">{p.kind === 'claude-code' ? 'Claude Code' : 'Switchboard'}</span>
                </th>
                {(groups.data ?? []).map((g) => {
                  const on = granted.has(`${p.ref} ${g.name}`);
                  return (
                    <td key={g.id}>
                      <input
                        type="checkbox"
                        aria-label={`${p.ref} for ${g.name}`}
                        checked={on}
                        disabled={action.busy}
                        onChange={() => void action.run(() => api('POST', '/api/admin/grants', { ref: p.ref, group: g.name, granted: !on }))}
                      />
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {plugins.data && plugins.data.length === 0 ? <p className="muted">No plugins yet: add a source and sync it.</p> : null}
    </Panel>
  );
}
