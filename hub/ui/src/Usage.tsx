import { useState } from 'react';
import { api, type UsageRow } from './api.ts';
import { Banner, Panel, useLoad } from './ui.tsx';

const DIMENSIONS = ['person', 'project', 'model', 'day'] as const;
const money = (n: number) => n.toLocaleString(undefined, { style: 'currency', currency: 'USD', maximumFractionDigits: 2 });
const tokens = (n: number) => n.toLocaleString();

/** Horizontal bars: cost per key, with sessions and tokens beside them. */
function Bars({ rows }: { rows: UsageRow[] }) {
  const max = Math.max(...rows.map((r) => r.costUsd), 0.000001);
  return (
    <ul className="bars" aria-label="Cost chart">
      {rows.map((r) => (
        <li key={r.key} className="bar-row" aria-label={`${r.key}: ${money(r.costUsd)}`}>
          <span className="bar-key mono">{r.key}</span>
          <span className="bar-track">
            <span className="bar" style={{ width: `${Math.max(1, (r.costUsd / max) * 100)}%` }} />
          </span>
          <span className="bar-value">{money(r.costUsd)}</span>
          <span className="muted bar-extra">
            {r.sessions} {r.sessions === 1 ? 'session' : 'sessions'} · {tokens(r.inputTokens + r.outputTokens)} tokens
          </span>
        </li>
      ))}
    </ul>
  );
}

export function Usage() {
  const [by, setBy] = useState<(typeof DIMENSIONS)[number]>('person');
  const { data, error } = useLoad(() => api<UsageRow[]>('GET', `/api/admin/usage?by=${by}`), by);
  const total = (data ?? []).reduce((s, r) => s + r.costUsd, 0);
  return (
    <Panel
      title="Team usage"
      actions={
        <div className="segmented" role="group" aria-label="Group by">
          {DIMENSIONS.map((d) => (
            <button key={d} className={`btn ${d === by ? 'btn-selected' : ''}`} aria-pressed={d === by} onClick={() => setBy(d)}>
              {d}
            </button>
          ))}
        </div>
      }
    >
      {error ? <Banner tone="danger">{error}</Banner> : null}
      <p className="muted">Per-session summaries that desktops send when their users opt in: tokens, cost, model, duration and project, never message content.</p>
      {data && data.length ? (
        <>
          <p>
            <strong>{money(total)}</strong> over {data.reduce((s, r) => s + r.sessions, 0)} sessions
          </p>
          <Bars rows={data} />
        </>
      ) : (
        <p className="muted">No usage reported yet.</p>
      )}
    </Panel>
  );
}
