import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { PROVIDER_LABELS, type ProjectInfo, type SessionInfo } from '../../../../app/contract/agents.ts';
import { api } from '../../api.ts';
import { navigate } from '../../stores/navigation.ts';
import { ActionMenu, arrowKeys, Badge, Banner, Button, Dialog, EmptyState, FolderIcon, SafeText, safeString, SessionsIcon, Spinner, Tip, errorMessage, formatRelative } from '../../ui/index.ts';
import type { ScreenProps } from '../types.ts';
import { COST_SOURCE_HINT, formatCost, formatDuration, formatTokens, sessionDuration, STATUS_LABEL, STATUS_TONE } from './format.ts';
import { AddProjectDialog, SourcesDialog } from './dialogs.tsx';
import { MergeProjectDialog, RenameDialog } from './OrganizeDialogs.tsx';
import { RunAgentForm } from './RunAgentForm.tsx';
import { SessionView } from './SessionView.tsx';
import { SessionFilters } from './SessionFilters.tsx';
import { filterSessions, NO_FILTER, type SessionFilter } from './sessionFilter.ts';
import { usePluginViewContext } from './usePluginViewContext.ts';
import './sessions.css';

const ALL = '';
const NONE: SessionInfo[] = [];
/** How long the project list waits after a session change before it reloads its counts. */
const PROJECT_REFRESH_MS = 300;
/** The list loads this many of the latest sessions; search and filters work on them. */
const LIST_LIMIT = 1000;

/**
 * Projects on the left, their sessions in the middle, one session's
 * conversation on the right. Everything updates live from push events.
 */
export function SessionsScreen({ params }: ScreenProps) {
  const [projects, setProjects] = useState<ProjectInfo[]>([]);
  const [projectId, setProjectId] = useState<string>(params.projectId ?? ALL);
  const [sessions, setSessions] = useState<SessionInfo[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [dialog, setDialog] = useState<'add' | 'sources' | null>(null);
  const [removing, setRemoving] = useState<ProjectInfo | null>(null);
  const [renaming, setRenaming] = useState<{ project: ProjectInfo } | { session: SessionInfo } | null>(null);
  const [merging, setMerging] = useState<ProjectInfo | null>(null);
  const [showHidden, setShowHidden] = useState(false);
  const [filter, setFilter] = useState<SessionFilter>({ ...NO_FILTER, query: params.q ?? '' });
  const selected = params.sessionId ?? null;

  const loadProjects = useCallback(async () => {
    try {
      setProjects((await api.invoke('projects.list', {})).projects);
    } catch (e) {
      setError(errorMessage(e));
    }
  }, []);

  const loadSessions = useCallback(async () => {
    try {
      const { sessions: list } = await api.invoke('sessions.list', { ...(projectId ? { projectId } : {}), limit: LIST_LIMIT, includeHidden: showHidden });
      setSessions(list);
      setError(null);
    } catch (e) {
      setError(errorMessage(e));
    }
  }, [projectId, showHidden]);

  useEffect(() => {
    void loadProjects();
    const offProjects = api.on('projects.changed', ({ projects: list }) => setProjects(list));
    // Each project's count and live dot follow its sessions; a burst of changes (an import) refreshes them once.
    let refresh: ReturnType<typeof setTimeout> | undefined;
    const offSessions = api.on('sessions.changed', () => {
      refresh ??= setTimeout(() => {
        refresh = undefined;
        void loadProjects();
      }, PROJECT_REFRESH_MS);
    });
    return () => {
      offProjects();
      offSessions();
      clearTimeout(refresh);
    };
  }, [loadProjects]);

  useEffect(() => {
    void loadSessions();
    const off = api.on('sessions.changed', (session) => {
      setSessions((list) => {
        if (!list) return list;
        const rest = list.filter((s) => s.id !== session.id);
        if ((projectId && session.projectId !== projectId) || (session.hidden && !showHidden)) return rest.length === list.length ? list : rest;
        return [session, ...rest].sort((a, b) => b.lastActivityAt.localeCompare(a.lastActivityAt));
      });
    });
    // Projects found, merged or hidden change which sessions are listed and their project names.
    const offProjects = api.on('projects.changed', () => void loadSessions());
    return () => {
      off();
      offProjects();
    };
  }, [loadSessions, projectId, showHidden]);

  // "Open session…" from the palette arrives as a search; a query only one session matches opens it.
  useEffect(() => {
    if (params.q !== undefined) setFilter((f) => ({ ...f, query: params.q ?? '' }));
  }, [params.q]);
  const shown = useMemo(() => (sessions ? filterSessions(sessions, filter) : null), [sessions, filter]);
  useEffect(() => {
    if (params.q && !params.sessionId && shown?.length === 1) navigate('sessions', { ...(projectId ? { projectId } : {}), q: params.q, sessionId: shown[0]!.id });
  }, [params.q, params.sessionId, shown, projectId]);

  const project = projects.find((p) => p.id === projectId);
  const listed = showHidden ? projects : projects.filter((p) => !p.hidden);
  const showAll = () => {
    setProjectId(ALL);
    navigate('sessions', {});
  };
  // A project merged away, or hidden while hidden ones are not shown, leaves the view. Only a new
  // list says so: a project just added is chosen before the list that holds it arrives.
  useEffect(() => {
    if (projectId && projects.length && !listed.some((p) => p.id === projectId)) showAll();
  }, [projects, showHidden]);
  const setProjectHidden = async (p: ProjectInfo, hidden: boolean) => {
    try {
      await api.invoke('projects.setHidden', { id: p.id, hidden });
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  const setSessionHidden = async (s: SessionInfo, hidden: boolean) => {
    try {
      await api.invoke('sessions.setHidden', { id: s.id, hidden });
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  usePluginViewContext(selected, sessions?.find((s) => s.id === selected)?.projectId ?? (projectId || null));
  const open = (sessionId: string) => navigate('sessions', { ...(projectId ? { projectId } : {}), ...(filter.query ? { q: filter.query } : {}), sessionId });
  const [viewed, setViewed] = useState<SessionInfo | null>(null);
  // The open session's family: a subagent's row sits under its parent's, which stays marked.
  const family = viewed?.id === selected ? (viewed.parentSessionId ?? (viewed.subagentCount > 0 ? viewed.id : null)) : null;
  const subagents = useSubagents(family);

  return (
    <div className="screen sessions-screen">
      <header className="screen-header">
        <div>
          <h1>Sessions</h1>
          <p>Claude Code and Codex sessions from your transcripts and the runs you start here, live as they happen.</p>
        </div>
        <div className="screen-actions">
          <Button onClick={() => setDialog('sources')}>
            Sources
          </Button>
          <Button variant="primary" icon={FolderIcon} onClick={() => setDialog('add')}>
            Add project
          </Button>
        </div>
      </header>
      {error ? <Banner tone="danger" title="Sessions could not be loaded">{error}</Banner> : null}

      <div className="sessions-layout">
        <nav className="sessions-projects panel" aria-label="Projects">
          <button type="button" className={`sessions-project${projectId === ALL ? ' is-active' : ''}`} onClick={showAll}>
            <span className="sessions-project-name">All sessions</span>
          </button>
          {listed.map((p) => (
            <div key={p.id} className={`sessions-project${projectId === p.id ? ' is-active' : ''}${p.hidden ? ' is-hidden' : ''}`}>
              <button type="button" className="sessions-project-main" onClick={() => { setProjectId(p.id); navigate('sessions', { projectId: p.id }); }} title={[p.path, ...p.aliases].join('\n')}>
                <SafeText className="sessions-project-name" text={p.name} truncate />
                <span className="sessions-project-meta">
                  {p.hidden ? <Badge>Hidden</Badge> : null}
                  {p.liveCount > 0 ? <Tip label={`${p.liveCount} running`}><span className="live-dot" /></Tip> : null}
                  {p.sessionCount}
                </span>
              </button>
              <ActionMenu
                label={`Actions for project ${safeString(p.name)}`}
                items={[
                  { label: 'Rename…', onSelect: () => setRenaming({ project: p }) },
                  ...(projects.length > 1 ? [{ label: 'Merge into…', onSelect: () => setMerging(p) }] : []),
                  { label: p.hidden ? 'Unhide' : 'Hide', onSelect: () => void setProjectHidden(p, !p.hidden) },
                  ...(p.discovered ? [] : [{ label: 'Remove…', danger: true, onSelect: () => setRemoving(p) }]),
                ]}
              />
            </div>
          ))}
          {projects.length === 0 ? <p className="sessions-hint">Projects appear here for the repositories your sessions ran in; add a folder to group sessions yourself.</p> : null}
          <label className="sessions-show-hidden">
            <input type="checkbox" className="switch" checked={showHidden} onChange={(e) => setShowHidden(e.target.checked)} />
            Show hidden
          </label>
        </nav>

        <section className="sessions-list-pane" aria-label="Session list">
          {project ? <RunAgentForm project={project} onStarted={open} /> : null}
          {sessions && sessions.length > 0 ? <SessionFilters sessions={sessions} filter={filter} onChange={setFilter} shown={shown?.length ?? 0} /> : null}
          {sessions === null || shown === null ? (
            <div className="loading-row"><Spinner label="Loading sessions" /> Loading sessions…</div>
          ) : sessions.length === 0 ? (
            <div className="panel">
              <EmptyState icon={SessionsIcon} title="No sessions yet">
                {project ? 'Run an agent above, or work in this folder with Claude Code or Codex.' : 'Sessions appear here as soon as Claude Code or Codex writes a transcript.'}
              </EmptyState>
            </div>
          ) : shown.length === 0 ? (
            <div className="panel">
              <EmptyState icon={SessionsIcon} title="No session matches">
                Try fewer words, or clear the filters.
              </EmptyState>
            </div>
          ) : (
            <ul className="sessions-list" aria-label="Sessions" onKeyDown={arrowKeys({ selector: '.session-row' })}>
              {shown.map((s) => (
                <li key={s.id} className="session-item">
                  <button type="button" className={`session-row${selected === s.id ? ' is-active' : family === s.id ? ' is-parent' : ''}`} onClick={() => open(s.id)} aria-current={selected === s.id ? 'true' : undefined}>
                    <span className="session-row-top">
                      {s.status === 'running' ? <Tip label="Live"><span className="live-dot" /></Tip> : null}
                      <SafeText className="session-row-title" text={s.title} truncate />
                      {s.hidden ? <Badge>Hidden</Badge> : null}
                      <Badge tone={STATUS_TONE[s.status]}>{STATUS_LABEL[s.status]}</Badge>
                      {s.deniedToolCount > 0 ? <Badge tone="warning">Tools refused</Badge> : null}
                    </span>
                    <span className="session-row-meta">
                      <span>{PROVIDER_LABELS[s.provider as keyof typeof PROVIDER_LABELS] ?? s.provider}</span>
                      <span className="mono">{s.model ?? 'model unknown'}</span>
                      <span title={COST_SOURCE_HINT[s.costSource]}>{formatCost(s.costUsd, s.costSource)}</span>
                      <span>{formatTokens(s.inputTokens + s.outputTokens)} tokens</span>
                      <span>{formatDuration(sessionDuration(s))}</span>
                      <span>{formatRelative(s.lastActivityAt)}</span>
                      {s.subagentCount > 0 ? <span>{s.subagentCount === 1 ? '1 subagent' : `${s.subagentCount} subagents`}</span> : null}
                    </span>
                  </button>
                  <ActionMenu
                    className="session-item-actions"
                    label={`Actions for session ${safeString(s.title)}`}
                    items={[
                      { label: 'Rename…', onSelect: () => setRenaming({ session: s }) },
                      { label: s.hidden ? 'Unhide' : 'Hide', onSelect: () => void setSessionHidden(s, !s.hidden) },
                    ]}
                  />
                  {family === s.id && subagents.length > 0 ? (
                    <ul className="session-children" aria-label={`Subagents of ${safeString(s.title)}`}>
                      {subagents.map((c) => (
                        <li key={c.id}>
                          <button type="button" className={`session-row session-row-child${selected === c.id ? ' is-active' : ''}`} onClick={() => open(c.id)} aria-current={selected === c.id ? 'true' : undefined}>
                            <span className="session-row-top">
                              {c.status === 'running' ? <Tip label="Live"><span className="live-dot" /></Tip> : null}
                              <SafeText className="session-row-title" text={c.title} truncate />
                            </span>
                            <span className="session-row-meta">
                              <span className="mono">{c.model ?? 'model unknown'}</span>
                              <span title={COST_SOURCE_HINT[c.costSource]}>{formatCost(c.costUsd, c.costSource)}</span>
                              <span>{formatTokens(c.inputTokens + c.outputTokens)} tokens</span>
                            </span>
                          </button>
                        </li>
                      ))}
                    </ul>
                  ) : null}
                </li>
              ))}
            </ul>
          )}
        </section>

        <section className="sessions-view-pane" aria-label="Session">
          {selected ? (
            <SessionView key={selected} sessionId={selected} focusMessageId={params.messageId ?? null} subagents={family === selected ? subagents : NONE} onSession={setViewed} />
          ) : (
            <div className="panel">
              <EmptyState icon={SessionsIcon} title="Choose a session">The conversation, its tool calls and what it cost show here.</EmptyState>
            </div>
          )}
        </section>
      </div>

      {dialog === 'add' ? <AddProjectDialog onClose={() => setDialog(null)} onAdded={(p) => { setDialog(null); setProjectId(p.id); navigate('sessions', { projectId: p.id }); }} /> : null}
      {dialog === 'sources' ? <SourcesDialog onClose={() => setDialog(null)} onScanned={() => void loadSessions()} /> : null}
      {renaming && 'project' in renaming ? (
        <RenameDialog
          title={`Rename ${safeString(renaming.project.name)}`}
          label="Name"
          hint={renaming.project.path}
          field="name"
          initial={renaming.project.name}
          save={(name) => api.invoke('projects.rename', { id: renaming.project.id, name })}
          onClose={() => setRenaming(null)}
        />
      ) : null}
      {renaming && 'session' in renaming ? (
        <RenameDialog
          title="Rename session"
          label="Title"
          hint="Empty goes back to the transcript's title. The transcript itself is not changed."
          field="title"
          initial={renaming.session.title}
          save={(title) => api.invoke('sessions.rename', { id: renaming.session.id, title })}
          onClose={() => setRenaming(null)}
        />
      ) : null}
      {merging ? (
        <MergeProjectDialog
          project={merging}
          projects={projects}
          onClose={() => setMerging(null)}
          onMerged={(into) => {
            setMerging(null);
            setProjectId(into.id);
            navigate('sessions', { projectId: into.id });
          }}
        />
      ) : null}
      {removing ? (
        <RemoveProjectDialog
          project={removing}
          onClose={() => setRemoving(null)}
          onRemoved={() => {
            setRemoving(null);
            if (projectId === removing.id) showAll();
          }}
        />
      ) : null}
    </div>
  );
}

/** A session's subagents, kept current as they change. */
function useSubagents(parentId: string | null): SessionInfo[] {
  const [list, setList] = useState<SessionInfo[]>([]);
  useEffect(() => {
    setList([]);
    if (!parentId) return;
    let live = true;
    api.invoke('sessions.subagents', { id: parentId }).then((r) => live && setList(r.sessions), () => undefined);
    const off = api.on('sessions.changed', (s) => {
      if (s.parentSessionId === parentId) setList((l) => (l.some((x) => x.id === s.id) ? l.map((x) => (x.id === s.id ? s : x)) : [...l, s]));
    });
    return () => {
      live = false;
      off();
    };
  }, [parentId]);
  return list;
}

function RemoveProjectDialog({ project, onClose, onRemoved }: { project: ProjectInfo; onClose(): void; onRemoved(): void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <ConfirmDialog
      title={`Remove ${project.name}?`}
      busy={busy}
      error={error}
      confirm="Remove project"
      onClose={onClose}
      onConfirm={async () => {
        setBusy(true);
        try {
          await api.invoke('projects.remove', { id: project.id });
          onRemoved();
        } catch (e) {
          setError(errorMessage(e));
          setBusy(false);
        }
      }}
    >
      Its {project.sessionCount} sessions stay in Switchboard, grouped again under the repositories they ran in. The folder {project.path} is not touched.
    </ConfirmDialog>
  );
}


function ConfirmDialog(props: { title: string; busy: boolean; error: string | null; confirm: string; onClose(): void; onConfirm(): void; children: ReactNode }) {
  return (
    <Dialog
      title={props.title}
      onClose={props.onClose}
      footer={
        <>
          <Button onClick={props.onClose}>Cancel</Button>
          <Button variant="danger" busy={props.busy} onClick={props.onConfirm}>
            {props.confirm}
          </Button>
        </>
      }
    >
      <p>{props.children}</p>
      {props.error ? <Banner tone="danger">{props.error}</Banner> : null}
    </Dialog>
  );
}
