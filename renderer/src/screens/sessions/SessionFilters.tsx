import { useId, useState } from 'react';
import { PROVIDER_LABELS, type SessionInfo } from '../../../../app/contract/agents.ts';
import { Button, safeString } from '../../ui/index.ts';
import { STATUS_LABEL } from './format.ts';
import { choices, DATE_RANGES, isFiltered, NO_FILTER, SORTS, type SessionFilter } from './sessionFilter.ts';

interface Props {
  sessions: readonly SessionInfo[];
  filter: SessionFilter;
  shown: number;
  onChange(filter: SessionFilter): void;
}

/** Search, the filters (provider, model, status, date) and the order of the session list. */
export function SessionFilters({ sessions, filter, shown, onChange }: Props) {
  const set = <K extends keyof SessionFilter>(key: K, value: SessionFilter[K]) => onChange({ ...filter, [key]: value });
  const providers = choices(sessions, (s) => s.provider);
  const models = choices(sessions, (s) => s.model);
  const filtered = isFiltered(filter);
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const chosen = [filter.provider, filter.model, filter.status, filter.date === 'any' ? '' : filter.date].filter(Boolean).length;
  return (
    <search className="session-filters" aria-label="Find sessions">
      <input
        type="search"
        className="input"
        aria-label="Search sessions"
        placeholder="Search title, project, model, branch…"
        value={filter.query}
        onChange={(e) => set('query', e.target.value)}
        spellCheck={false}
      />
      <div className="session-filter-bar">
        <span role="status" className="session-filter-count">
          {filtered ? `${shown} of ${sessions.length} sessions` : `${sessions.length} sessions`}
        </span>
        {filtered ? (
          <Button size="sm" variant="ghost" onClick={() => onChange({ ...NO_FILTER, sort: filter.sort })}>
            Clear filters
          </Button>
        ) : null}
        <Button size="sm" aria-expanded={open} aria-controls={panelId} onClick={() => setOpen(!open)}>
          {chosen > 0 ? `Filters (${chosen})` : 'Filters'}
        </Button>
        <select className="select" aria-label="Sort by" value={filter.sort} onChange={(e) => set('sort', e.target.value as SessionFilter['sort'])}>
          {Object.entries(SORTS).map(([value, label]) => (
            <option key={value} value={value}>Sort: {label}</option>
          ))}
        </select>
      </div>
      <div className="session-filter-row" id={panelId} hidden={!open}>
        <select className="select" aria-label="Agent" value={filter.provider} onChange={(e) => set('provider', e.target.value)}>
          <option value="">All agents</option>
          {providers.map((p) => (
            <option key={p} value={p}>{PROVIDER_LABELS[p as keyof typeof PROVIDER_LABELS] ?? safeString(p)}</option>
          ))}
        </select>
        <select className="select" aria-label="Model" value={filter.model} onChange={(e) => set('model', e.target.value)}>
          <option value="">All models</option>
          {models.map((m) => (
            <option key={m} value={m}>{safeString(m)}</option>
          ))}
        </select>
        <select className="select" aria-label="Status" value={filter.status} onChange={(e) => set('status', e.target.value)}>
          <option value="">Any status</option>
          {Object.entries(STATUS_LABEL).map(([value, label]) => (
            <option key={value} value={value}>{label}</option>
          ))}
        </select>
        <select className="select" aria-label="Date" value={filter.date} onChange={(e) => set('date', e.target.value as SessionFilter['date'])}>
          {Object.entries(DATE_RANGES).map(([value, label]) => (
            <option key={value} value={value}>{label}</option>
          ))}
        </select>
      </div>
    </search>
  );
}
