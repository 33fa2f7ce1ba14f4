import type { ModelUsageInfo } from '../../../../app/contract/agents.ts';
import { formatCost, formatTokens } from '../sessions/format.ts';

/** Usage per model: each API call counted once and priced by its own model. */
export function ModelBreakdown({ models, label }: { models: ModelUsageInfo[]; label: string }) {
  if (models.length === 0) return <p className="metrics-muted">No API calls in this time.</p>;
  return (
    <div className="table-wrap">
      <table className="table" aria-label={label}>
        <thead>
          <tr>
            <th scope="col">Model</th><th scope="col">Calls</th><th scope="col">Input</th><th scope="col">Output</th><th scope="col">Cache read</th><th scope="col">Cache write</th><th scope="col">Cost</th>
          </tr>
        </thead>
        <tbody>
          {models.map((m) => (
            <tr key={m.model ?? ''}>
              <td className="mono">{m.model ?? 'Unknown model'}</td>
              <td>{m.calls}</td>
              <td>{formatTokens(m.inputTokens)}</td>
              <td>{formatTokens(m.outputTokens)}</td>
              <td>{formatTokens(m.cacheReadTokens)}</td>
              <td title={`${m.cacheWrite5mTokens.toLocaleString('en-US')} for 5 minutes, ${m.cacheWrite1hTokens.toLocaleString('en-US')} for 1 hour`}>{formatTokens(m.cacheWrite5mTokens + m.cacheWrite1hTokens)}</td>
              <td>{m.costUsd === null ? 'No price' : formatCost(m.costUsd, m.costSource)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
