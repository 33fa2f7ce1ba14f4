import { useCallback, useEffect, useState } from 'react';
import type { ProjectInfo } from '../../../../app/contract/agents.ts';
import { METRIC_PERIOD_LABELS, METRIC_PERIODS, type LiveMetricsView, type MetricPeriod, type SessionMetricRow } from '../../../../app/contract/metrics.ts';
import { TASK_STATUS_LABELS, TASK_STATUSES } from '../../../../app/contract/tasks.ts';
import { api } from '../../api.ts';
import { navigate } from '../../stores/navigation.ts';
import { Badge, Banner, EmptyState, MetricsIcon, Spinner, StatGrid, errorMessage, formatRelative, formatTime } from '../../ui/index.ts';
import { COST_SOURCE_HINT, formatCost, formatDuration, formatTokens, STATUS_LABEL, STATUS_TONE } from '../sessions/format.ts';
import type { ScreenProps } from '../types.ts';
import { ModelBreakdown } from './ModelBreakdown.tsx';
import { PricesView } from './PricesView.tsx';
import { Sparkline } from './Sparkline.tsx';
import './metrics.css';

const OUTSIDE = '__outside__';

export function MetricsScreen({ params }: ScreenProps) {
  const [view, setView] = useState<'live' | 'history' | 'prices'>(params.view === 'history' || params.view === 'prices' ? params.view : 'live');
  return (
    <div className="screen metrics-screen">
      <header className="screen-header">
        <div>
          <h1>Metrics</h1>
          <p>What your agents are doing now, and how their sessions went.</p>
        </div>
        <div className="segmented" role="radiogroup" aria-label="View">
          {(['live', 'history', 'prices'] as const).map((v) => (
            <label key={v}>
              <input type="radio" name="metrics-view" value={v} checked={view === v} onChange={() => setView(v)} />
              {v === 'live' ? 'Live' : v === 'history' ? 'History' : 'Prices'}
            </label>
          ))}
        </div>
      </header>
      {view === 'live' ? <LiveView /> : view === 'history' ? <HistoryView /> : <PricesView />}
    </div>
  );
}

function LiveView() {
  const [data, setData] = useState<LiveMetricsView | null>(null);
  const [period, setPeriod] = useState<MetricPeriod>('today');
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    try {
      setData(await api.invoke('metrics.live', { period }));
      setError(null);
    } catch (e) {
      setError(errorMessage(e));
    }
  }, [period]);
  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), 10_000);
    const offs = [api.on('sessions.changed', () => void load()), api.on('tasks.changed', () => void load())];
    return () => {
      clearInterval(timer);
      offs.forEach((off) => off());
    };
  }, [load]);

  if (error) return <Banner tone="danger" title="Metrics could not be loaded">{error}</Banner>;
  if (!data) return <div className="loading-row"><Spinner label="Loading metrics" /> Loading metrics…</div>;
  const usage = data.period;
  return (
    <div className="metrics-live">
      <div className="metrics-toolbar">
        <div className="segmented" role="radiogroup" aria-label="Period">
          {METRIC_PERIODS.map((p) => (
            <label key={p}>
              <input type="radio" name="metrics-period" value={p} checked={period === p} onChange={() => setPeriod(p)} />
              {METRIC_PERIOD_LABELS[p]}
            </label>
          ))}
        </div>
      </div>
      <StatGrid>
        <Card label="Active sessions" value={String(data.active.length)} />
        <Card label="Cost" value={formatCost(usage.costUsd, usage.costSource)} title={COST_SOURCE_HINT[usage.costSource]} />
        <Card label="Tokens" value={formatTokens(usage.tokens)} />
        <Card label="Sessions" value={String(usage.sessions)} />
      </StatGrid>

      <section className="panel metrics-section" aria-labelledby="models-h">
        <h2 id="models-h">By model · {METRIC_PERIOD_LABELS[period]}</h2>
        <ModelBreakdown models={usage.models} label="Usage by model" />
      </section>

      <section className="panel metrics-section" aria-labelledby="active-h">
        <h2 id="active-h">Active sessions</h2>
        {data.active.length === 0 ? <p className="metrics-muted">No agent is running.</p> : (
          <ul className="metrics-rows">
            {data.active.map((s) => (
              <li key={s.id}>
                <button type="button" className="metrics-link" onClick={() => navigate('sessions', { sessionId: s.id })}>
                  <span className="live-dot" aria-hidden="true" /> <span className="metrics-row-title">{s.title}</span>
                </button>
                <span className="metrics-muted">{s.projectName ?? 'No project'} · {formatTokens(s.inputTokens + s.outputTokens)} tokens · {formatCost(s.costUsd, s.costSource)} · {formatRelative(s.lastActivityAt)}</span>
              </li>
            ))}
          </ul>
        )}
      </section>

      <div className="metrics-two">
        <section className="panel metrics-section" aria-labelledby="health-h">
          <h2 id="health-h">Project health</h2>
          {data.projects.length === 0 ? <p className="metrics-muted">Add projects on the Sessions screen to see their health.</p> : (
            <ul className="health-grid">
              {data.projects.map((p) => (
                <li key={p.projectId} className={`health-card health-${p.health}`}>
                  <button type="button" className="metrics-link" onClick={() => navigate('sessions', { projectId: p.projectId })}>{p.name}</button>
                  <span className="health-word">{p.health === 'good' ? 'Healthy' : p.health === 'warning' ? 'Some failures' : p.health === 'failing' ? 'Failing' : 'No sessions'}</span>
                  <span className="metrics-muted">{p.running} running · {p.recentFailures}/{p.recentSessions} recent failed</span>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section className="panel metrics-section" aria-labelledby="tasks-h">
          <h2 id="tasks-h">Task board</h2>
          {!data.tasks.available ? <p className="metrics-muted">The task board is not available.</p> : (
            <ul className="task-summary">
              {TASK_STATUSES.map((s) => (
                <li key={s}>
                  <span className="task-count">{data.tasks.counts[s] ?? 0}</span>
                  <span className="metrics-muted">{TASK_STATUS_LABELS[s]}</span>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>

      <section className="panel metrics-section" aria-labelledby="attention-h">
        <h2 id="attention-h">Needs attention</h2>
        {data.attention.length === 0 ? <p className="metrics-muted">Nothing failed or stalled in the last day.</p> : (
          <ul className="metrics-rows">
            {data.attention.map(({ reason, session }) => (
              <li key={`${reason}-${session.id}`} className={`attention-${reason}`}>
                <Badge tone={reason === 'failed' ? 'danger' : 'warning'}>{reason === 'failed' ? 'Failed' : 'Stalled'}</Badge>
                <button type="button" className="metrics-link" onClick={() => navigate('sessions', { sessionId: session.id })}>
                  <span className="metrics-row-title">{session.title}</span>
                </button>
                <span className="metrics-muted">{reason === 'failed' ? (session.errorMessage ?? 'The agent stopped with an error') : `No message since ${formatRelative(session.lastActivityAt)}`}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

function Card({ label, value, title }: { label: string; value: string; title?: string }) {
  return (
    <div className="panel metric-card" title={title}>
      <span className="metric-label">{label}</span>
      <span className="metric-value">{value}</span>
    </div>
  );
}

function HistoryView() {
  const [projects, setProjects] = useState<ProjectInfo[]>([]);
  const [projectId, setProjectId] = useState<string>('');
  const [rows, setRows] = useState<SessionMetricRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    void api.invoke('projects.list', {}).then(({ projects: list }) => {
      setProjects(list);
      setProjectId((current) => current || list[0]?.id || OUTSIDE);
    }, (e) => setError(errorMessage(e)));
  }, []);
  useEffect(() => {
    if (!projectId) return;
    setRows(null);
    api.invoke('metrics.history', projectId === OUTSIDE ? {} : { projectId }).then((r) => setRows(r.rows), (e) => setError(errorMessage(e)));
  }, [projectId]);

  const duration = (r: SessionMetricRow) => Math.max(0, Date.parse(r.endTime) - Date.parse(r.startTime));
  const series = rows ?? [];
  const total = (f: (r: SessionMetricRow) => number) => series.reduce((sum, r) => sum + f(r), 0);
  const avg = (f: (r: SessionMetricRow) => number) => (series.length ? total(f) / series.length : 0);
  const succeeded = series.filter((r) => r.status === 'success').length;
  const anyEstimated = series.some((r) => r.costSource !== 'reported' && r.costUsd !== null);

  return (
    <div className="metrics-history">
      <div className="metrics-toolbar">
        <label htmlFor="metrics-project">Project</label>
        <select id="metrics-project" className="select" value={projectId} onChange={(e) => setProjectId(e.target.value)}>
          {projects.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
          <option value={OUTSIDE}>Sessions outside any project</option>
        </select>
        <span className="metrics-muted">The last 100 finished sessions are kept per project.</span>
      </div>
      {error ? <Banner tone="danger">{error}</Banner> : null}
      {rows === null ? <div className="loading-row"><Spinner label="Loading history" /> Loading history…</div> : rows.length === 0 ? (
        <div className="panel"><EmptyState icon={MetricsIcon} title="No finished sessions yet">Each session adds a row here when it ends.</EmptyState></div>
      ) : (
        <>
          <StatGrid label="Stats">
            <Card label="Sessions" value={String(series.length)} />
            <Card label="Succeeded" value={`${Math.round((succeeded / series.length) * 100)}%`} />
            <Card label={anyEstimated ? 'Total cost (estimated)' : 'Total cost'} value={formatCost(total((r) => r.costUsd ?? 0), anyEstimated ? 'estimated' : 'reported')} />
            <Card label="Avg tokens" value={formatTokens(Math.round(avg((r) => r.totalTokens)))} />
            <Card label="Avg duration" value={formatDuration(avg(duration))} />
          </StatGrid>
          <StatGrid minTile={240} label="Trends">
            <Spark label="Cost" values={series.map((r) => r.costUsd ?? 0)} format={(n) => formatCost(n)} />
            <Spark label="Tokens" values={series.map((r) => r.totalTokens)} format={formatTokens} />
            <Spark label="Turns" values={series.map((r) => r.turnCount)} />
            <Spark label="Tool calls" values={series.map((r) => r.toolCallCount)} />
            <Spark label="Duration" values={series.map(duration)} format={formatDuration} />
          </StatGrid>
          <div className="table-wrap">
            <table className="table" aria-label="Finished sessions">
              <thead>
                <tr>
                  <th scope="col">Ended</th><th scope="col">Status</th><th scope="col">Model</th><th scope="col">Cost</th><th scope="col">Tokens</th><th scope="col">Peak</th><th scope="col">Turns</th><th scope="col">Tool calls</th><th scope="col">Duration</th>
                </tr>
              </thead>
              <tbody>
                {[...series].reverse().map((r) => (
                  <tr key={r.sessionId} onClick={() => navigate('sessions', { sessionId: r.sessionId })} className="metrics-table-row">
                    <td>{formatTime(r.endTime)}</td>
                    <td><Badge tone={STATUS_TONE[r.status] ?? 'neutral'}>{STATUS_LABEL[r.status] ?? r.status}</Badge></td>
                    <td className="mono">{r.model ?? '—'}</td>
                    <td title={r.costSource ? COST_SOURCE_HINT[r.costSource] : undefined}>{formatCost(r.costUsd, r.costSource === 'reported' ? 'reported' : 'estimated')}</td>
                    <td>{formatTokens(r.totalTokens)}</td>
                    <td>{formatTokens(r.peakTokens)}</td>
                    <td>{r.turnCount}</td>
                    <td>{r.toolCallCount}</td>
                    <td>{formatDuration(duration(r))}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </div>
  );
}

function Spark({ label, values, format = String }: { label: string; values: number[]; format?: (n: number) => string }) {
  return (
    <figure className="panel spark-card">
      <figcaption>
        <span className="metric-label">{label}</span>
        <span className="spark-latest">{values.length ? format(values.at(-1)!) : '—'}</span>
      </figcaption>
      <Sparkline values={values} label={label} format={format} />
    </figure>
  );
}
