import { Fragment, useEffect, useId, useState } from 'react';
import { AUDIT_PAGE_LIMIT } from '../../../../app/contract/audit.ts';
import { api } from '../../api.ts';
import { filterArgs, useAudit, type AuditRow } from '../../stores/audit.ts';
import { AuditIcon, Badge, Banner, Button, ChevronDownIcon, ChevronRightIcon, DownloadIcon, EmptyState, IconButton, SafeText, Spinner, Time, errorMessage, formatFullTime, type BadgeTone } from '../../ui/index.ts';
import type { ScreenProps } from '../types.ts';
import './audit.css';

const AUTO_REFRESH_MS = 5000;

const humanise = (eventType: string) => eventType.replaceAll('_', ' ');

function toneOf(eventType: string): BadgeTone {
  if (/(denied|crashed|killed|injection|removed|uninstalled|deleted|reset)/.test(eventType)) return 'danger';
  if (/(disabled|rolled_back)/.test(eventType)) return 'warning';
  if (/(installed|granted|enabled|stored|added|created)/.test(eventType)) return 'success';
  return 'neutral';
}

function detailText(detail: AuditRow['detail']): string {
  const keys = Object.keys(detail);
  if (keys.length === 0) return '';
  return keys.map((k) => `${k}: ${typeof detail[k] === 'string' ? detail[k] : JSON.stringify(detail[k])}`).join(' · ');
}

function exportFileName(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `switchboard-audit-${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}-${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}.jsonl`;
}

function download(text: string, fileName: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/jsonl' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // The click has handed the blob to the download; the URL is no longer needed.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

export function AuditScreen(_props: ScreenProps) {
  const { filter, entries, eventTypes, actors, loading, error, setFilter, refresh } = useAudit();
  const [exporting, setExporting] = useState(false);
  const [exportNote, setExportNote] = useState<{ tone: 'info' | 'danger'; text: string } | null>(null);
  // Open rows are remembered by id, so a refresh every 5 s does not fold them away.
  const [expanded, setExpanded] = useState<ReadonlySet<number>>(new Set());
  const toggle = (id: number) =>
    setExpanded((open) => {
      const next = new Set(open);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  const typeId = useId();
  const actorId = useId();

  useEffect(() => {
    void refresh();
    const timer = setInterval(() => void refresh(), AUTO_REFRESH_MS);
    const stop = api.on('audit.appended', () => void refresh());
    return () => {
      clearInterval(timer);
      stop();
    };
  }, [refresh]);

  const exportJsonl = async () => {
    setExporting(true);
    setExportNote(null);
    try {
      const { jsonl, count } = await api.invoke('audit.export', filterArgs(filter));
      const fileName = exportFileName();
      download(jsonl, fileName);
      setExportNote({ tone: 'info', text: `Exported ${count} ${count === 1 ? 'entry' : 'entries'} to ${fileName}.` });
    } catch (e) {
      setExportNote({ tone: 'danger', text: `Export failed: ${errorMessage(e)}` });
    } finally {
      setExporting(false);
    }
  };

  const filtered = filter.eventType !== '' || filter.actor !== '';
  // Keep a chosen option listed even if no row has it any more, so the select never shows a blank.
  const typeOptions = filter.eventType && !eventTypes.includes(filter.eventType) ? [filter.eventType, ...eventTypes] : eventTypes;
  const actorOptions = filter.actor && !actors.includes(filter.actor) ? [filter.actor, ...actors] : actors;

  return (
    <div className="screen audit-screen">
      <header className="screen-header">
        <div>
          <h1>Audit log</h1>
          <p>What changed in Switchboard and who did it. Newest first; the latest {AUDIT_PAGE_LIMIT} entries are shown.</p>
        </div>
        <div className="screen-actions">
          <Button icon={DownloadIcon} busy={exporting} onClick={exportJsonl}>
            Export JSON Lines
          </Button>
        </div>
      </header>

      <div className="audit-toolbar" role="group" aria-label="Filters">
        <div className="audit-filter">
          <label htmlFor={typeId}>Event type</label>
          <select id={typeId} className="select" value={filter.eventType} onChange={(e) => setFilter({ eventType: e.target.value })}>
            <option value="">All event types</option>
            {typeOptions.map((t) => (
              <option key={t} value={t}>
                {humanise(t)}
              </option>
            ))}
          </select>
        </div>
        <div className="audit-filter">
          <label htmlFor={actorId}>Actor</label>
          <select id={actorId} className="select" value={filter.actor} onChange={(e) => setFilter({ actor: e.target.value })}>
            <option value="">All actors</option>
            {actorOptions.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </div>
        {filtered ? (
          <Button size="sm" variant="ghost" onClick={() => setFilter({ eventType: '', actor: '' })}>
            Clear filters
          </Button>
        ) : null}
        <span className="audit-count" role="status">
          {loading ? '' : `${entries.length} ${entries.length === 1 ? 'entry' : 'entries'}`}
          <span className="audit-live" title="Refreshes every 5 seconds and when something happens">
            <span className="audit-live-dot" aria-hidden="true" /> Live
          </span>
        </span>
      </div>

      {exportNote ? <Banner tone={exportNote.tone}>{exportNote.text}</Banner> : null}
      {error ? (
        <Banner tone="danger" title="The audit log could not be loaded" action={<Button size="sm" onClick={() => void refresh()}>Try again</Button>}>
          {error}
        </Banner>
      ) : null}

      {loading ? (
        <div className="loading-row">
          <Spinner label="Loading the audit log" /> Loading the audit log…
        </div>
      ) : entries.length === 0 ? (
        <div className="panel">
          <EmptyState icon={AuditIcon} title={filtered ? 'No entries match these filters' : 'Nothing recorded yet'}>
            {filtered ? 'Choose another event type or actor, or clear the filters.' : 'Changes to settings, secrets and plugins are recorded here as they happen.'}
          </EmptyState>
        </div>
      ) : (
        <div className="table-wrap audit-table-frame">
          <table className="table audit-table" aria-label="Audit entries">
            <colgroup>
              <col className="col-time" />
              <col className="col-event" />
              <col className="col-actor" />
              <col className="col-subject" />
              <col className="col-details" />
              <col className="col-expand" />
            </colgroup>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Event</th>
                <th scope="col">Actor</th>
                <th scope="col">Subject</th>
                <th scope="col">Details</th>
                <th scope="col" className="audit-expand-col">
                  <span className="visually-hidden">Expand</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => {
                const details = detailText(entry.detail);
                const open = expanded.has(entry.id);
                const detailsId = `audit-entry-${entry.id}`;
                return (
                  <Fragment key={entry.id}>
                    <tr className={open ? 'audit-row-open' : undefined}>
                      <td className="audit-time">
                        <Time iso={entry.at} />
                      </td>
                      <td>
                        <Badge tone={toneOf(entry.eventType)}>{humanise(entry.eventType)}</Badge>
                      </td>
                      <td className="mono audit-actor">
                        <SafeText text={entry.actor} truncate />
                      </td>
                      <td className="mono audit-subject">
                        <SafeText text={entry.subject} truncate />
                      </td>
                      <td className="audit-detail">
                        <SafeText text={details} truncate />
                      </td>
                      <td className="audit-expand-col">
                        <IconButton
                          size="sm"
                          icon={open ? ChevronDownIcon : ChevronRightIcon}
                          label={open ? `Hide entry ${entry.id}` : `Show entry ${entry.id} in full`}
                          aria-expanded={open}
                          aria-controls={open ? detailsId : undefined}
                          onClick={() => toggle(entry.id)}
                        />
                      </td>
                    </tr>
                    {open ? (
                      <tr className="audit-full" id={detailsId}>
                        <td colSpan={6}>
                          <dl>
                            <dt>Time</dt>
                            <dd>{formatFullTime(entry.at)}</dd>
                            <dt>Event</dt>
                            <dd className="mono">{entry.eventType}</dd>
                            <dt>Actor</dt>
                            <dd className="mono">
                              <SafeText text={entry.actor} />
                            </dd>
                            <dt>Subject</dt>
                            <dd className="mono">{entry.subject ? <SafeText text={entry.subject} /> : '—'}</dd>
                            <dt>Details</dt>
                            <dd>
                              <SafeText as="pre" text={JSON.stringify(entry.detail, null, 2)} />
                            </dd>
                          </dl>
                        </td>
                      </tr>
                    ) : null}
                  </Fragment>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
