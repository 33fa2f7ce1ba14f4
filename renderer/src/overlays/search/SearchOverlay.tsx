import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import type { MessageSearchHit, SearchAllResult, Segment, TaskSearchHit } from '../../../../app/contract/search.ts';
import { TASK_STATUS_LABELS, isTaskStatus } from '../../../../app/contract/tasks.ts';
import { api } from '../../api.ts';
import { navigate } from '../../stores/navigation.ts';
import { OverlayPanel, SafeText, SearchIcon, Spinner, errorMessage, formatTime } from '../../ui/index.ts';
import type { OverlayProps } from '../types.ts';
import './search.css';

/** Typing pauses this long before a search runs. */
export const SEARCH_DEBOUNCE_MS = 300;

type Hit = MessageSearchHit | TaskSearchHit;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Matched words come back as flagged segments; they are shown as text, never parsed as markup. */
function Highlighted({ segments }: { segments: Segment[] }) {
  return (
    <>
      {segments.map((s, i) => (s.match ? <mark key={i}><SafeText text={s.text} /></mark> : <SafeText key={i} text={s.text} />))}
    </>
  );
}

/**
 * Ctrl/Cmd+Shift+F: full-text search over every agent message and task.
 * Results are grouped (Messages, Tasks); arrows move, Enter opens the
 * session at that message or the task.
 */
export function SearchOverlay({ onClose }: OverlayProps) {
  const list = useRef<HTMLDivElement>(null);
  const listId = useId();
  const [query, setQuery] = useState('');
  const [result, setResult] = useState<SearchAllResult | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [active, setActive] = useState(0);

  useEffect(() => {
    if (!query.trim()) {
      setResult(null);
      setBusy(false);
      return;
    }
    let live = true;
    setBusy(true);
    const timer = setTimeout(() => {
      api.invoke('search.all', { query, limit: 20 }).then(
        (r) => {
          if (!live) return;
          setResult(r);
          setError(null);
          setActive(0);
          setBusy(false);
        },
        (e) => {
          if (!live) return;
          setError(errorMessage(e));
          setBusy(false);
        },
      );
    }, SEARCH_DEBOUNCE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [query]);

  const hits: Hit[] = useMemo(() => (result ? [...result.messages, ...result.tasks] : []), [result]);
  const current = hits[Math.min(active, hits.length - 1)];
  const hitId = (h: Hit) => (h.kind === 'message' ? `${listId}-m-${h.messageId}` : `${listId}-t-${h.taskId}`);

  useEffect(() => {
    list.current?.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' });
  }, [active, hits]);

  const open = (hit: Hit | undefined) => {
    if (!hit) return;
    onClose();
    if (hit.kind === 'message') navigate('sessions', { sessionId: hit.sessionId, messageId: hit.messageId, ...(hit.projectId ? { projectId: hit.projectId } : {}) });
    else navigate('tasks', { taskId: String(hit.taskId) });
  };

  const onKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (hits.length === 0) return;
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive((i) => (Math.min(i, hits.length - 1) + step + hits.length) % hits.length);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      open(current);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      onClose();
    }
  };

  const option = (hit: Hit, index: number, body: ReactNode) => (
    <div
      key={hitId(hit)}
      id={hitId(hit)}
      role="option"
      aria-selected={hit === current}
      className="search-hit"
      onMouseMove={() => setActive(index)}
      onClick={() => open(hit)}
    >
      {body}
    </div>
  );

  const messages = result?.messages ?? [];
  const tasks = result?.tasks ?? [];
  return (
    <OverlayPanel label="Search" className="search-overlay" onClose={onClose}>
      <div className="overlay-field">
        <SearchIcon size={16} />
        <input
          className="overlay-input"
          role="combobox"
          aria-label="Search messages and tasks"
          aria-expanded={hits.length > 0}
          aria-controls={listId}
          aria-activedescendant={current ? hitId(current) : undefined}
          aria-autocomplete="list"
          placeholder="Search messages and tasks"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={onKey}
          maxLength={500}
          autoFocus
        />
        {busy ? <Spinner label="Searching" /> : null}
      </div>
      <div className="search-results" role="listbox" id={listId} ref={list} aria-label="Results">
        {messages.length ? (
          <div role="group" aria-labelledby={`${listId}-mh`}>
            <div className="search-group" id={`${listId}-mh`}>Messages</div>
            {messages.map((h, i) =>
              option(h, i, (
                <>
                  <div className="search-hit-head">
                    <SafeText className="search-hit-title" text={h.sessionTitle} truncate />
                    <span className="search-hit-meta">{h.role} · {h.timestamp ? formatTime(h.timestamp) : ''}</span>
                  </div>
                  <div className="search-snippet"><Highlighted segments={h.snippet} /></div>
                </>
              )),
            )}
          </div>
        ) : null}
        {tasks.length ? (
          <div role="group" aria-labelledby={`${listId}-th`}>
            <div className="search-group" id={`${listId}-th`}>Tasks</div>
            {tasks.map((h, i) =>
              option(h, messages.length + i, (
                <>
                  <div className="search-hit-head">
                    <span className="search-hit-title"><Highlighted segments={h.title} /></span>
                    <span className="search-hit-meta">{isTaskStatus(h.status) ? TASK_STATUS_LABELS[h.status] : h.status}{h.assignee ? ` · ${h.assignee}` : ''}</span>
                  </div>
                  {h.snippet.length ? <div className="search-snippet"><Highlighted segments={h.snippet} /></div> : null}
                </>
              )),
            )}
          </div>
        ) : null}
      </div>
      {error ? <p className="search-empty search-error">Search failed: {error}</p> : null}
      {result && hits.length === 0 && !busy ? <p className="search-empty">Nothing matches “{result.query}”.</p> : null}
      {!query.trim() ? <p className="search-empty">Type to search every agent message and task.</p> : null}
      <footer className="overlay-footer">
        <span>{result ? `${plural(messages.length, 'message')} · ${plural(tasks.length, 'task')}` : ''}</span>
        <span className="overlay-keys"><kbd>↑</kbd><kbd>↓</kbd> choose · <kbd>Enter</kbd> open · <kbd>Esc</kbd> close</span>
      </footer>
    </OverlayPanel>
  );
}
