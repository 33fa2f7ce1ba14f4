import { api, when, type AuditRow } from './api.ts';
import { Banner, Panel, useLoad } from './ui.tsx';

export function Audit() {
  const { data, error } = useLoad(() => api<AuditRow[]>('GET', '/api/admin/audit'));
  return (
    <Panel title="Admin audit">
      {error ? <Banner tone="danger">{error}</Banner> : null}
      <table className="table" aria-label="Audit">
        <thead>
          <tr>
            <th>When</th>
            <th>Who</th>
            <th>What</th>
            <th>Target</th>
            <th>Details</th>
          </tr>
        </thead>
        <tbody>
          {(data ?? []).map((a) => (
            <tr key={a.id}>
              <td className="nowrap">{when(a.at)}</td>
              <td className="nowrap">{a.actor}</td>
              <td className="nowrap">{a.action.replace(/_/g, ' ')}</td>
              <td className="mono nowrap">{a.target}</td>
              <td className="mono muted wrap-anywhere">{JSON.stringify(a.detail)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Panel>
  );
}
