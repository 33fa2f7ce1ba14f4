import { useEffect, useMemo, useRef, useState } from 'react';
import { PROVIDER_LABELS, type MessageInfo, type SessionInfo } from '../../../../app/contract/agents.ts';
import { api } from '../../api.ts';
import { navigate } from '../../stores/navigation.ts';
import { Badge, Banner, Button, ChevronDownIcon, ChevronLeftIcon, ChevronRightIcon, SafeText, safeString, Spinner, Tip, errorMessage, formatTime } from '../../ui/index.ts';
import { highlightLines } from '../../ui/highlight.tsx';
import { languageOfFile, toolDiff } from './diff.ts';
import { MarkdownText } from './Markdown.tsx';
import { toolInputFields } from './toolInput.ts';
import { COST_SOURCE_HINT, formatCost, isEmptyBubble, formatDuration, formatTokens, sessionDuration, STATUS_LABEL, STATUS_TONE } from './format.ts';

/**
 * One session's conversation, growing live; tool calls fold, edits read as diffs, errors stand out.
 * `subagents` are the ones this session started (the screen keeps them, for its list too).
 */
export function SessionView(props: { sessionId: string; focusMessageId: string | null; subagents: SessionInfo[]; onSession?(session: SessionInfo): void }) {
  const { sessionId, focusMessageId, subagents, onSession } = props;
  const [session, setSession] = useState<SessionInfo | null>(null);
  const [messages, setMessages] = useState<MessageInfo[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [stopping, setStopping] = useState(false);
  const [retrying, setRetrying] = useState(false);
  const [retryError, setRetryError] = useState<string | null>(null);
  const list = useRef<HTMLOListElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const loaded = session !== null;

  useEffect(() => {
    let live = true;
    api.invoke('sessions.get', { id: sessionId }).then(
      (r) => {
        if (!live) return;
        setSession(r.session);
        setMessages(r.messages);
      },
      (e) => live && setError(errorMessage(e)),
    );
    const offMessage = api.on('sessions.message', (m) => {
      if (m.sessionId !== sessionId) return;
      setMessages((list) => (list.some((x) => x.id === m.id) ? list : [...list, m]));
    });
    const offSession = api.on('sessions.changed', (s) => {
      if (s.id === sessionId) setSession(s);
    });
    return () => {
      live = false;
      offMessage();
      offSession();
    };
  }, [sessionId]);

  // Opening a session moves the focus into it (the list keeps its scroll), so the keyboard and a screen reader go on from its heading.
  useEffect(() => {
    if (loaded) heading.current?.focus({ preventScroll: true });
  }, [loaded]);

  useEffect(() => {
    if (session) onSession?.(session);
  }, [session, onSession]);

  useEffect(() => {
    if (!focusMessageId || messages.length === 0) return;
    const el = list.current?.querySelector(`[data-message-id="${CSS.escape(focusMessageId)}"]`);
    el?.scrollIntoView({ block: 'center' });
  }, [focusMessageId, messages.length]);

  if (error) return <Banner tone="danger" title="This session could not be opened">{error}</Banner>;
  if (!session) return <div className="loading-row"><Spinner label="Loading the session" /> Loading the session…</div>;

  // Results are shown with the call they answer.
  const results = new Map(messages.filter((m) => m.tool_result).map((m) => [m.tool_result!.tool_call_id, m]));
  const shownResults = new Set<string>();
  const stop = async () => {
    setStopping(true);
    try {
      await api.invoke('sessions.stop', { id: sessionId });
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setStopping(false);
    }
  };

  const retry = async () => {
    setRetrying(true);
    setRetryError(null);
    try {
      const outcome = await api.invoke('sessions.retry', { id: sessionId });
      if (outcome.status === 'started') navigate('sessions', { ...(session.projectId ? { projectId: session.projectId } : {}), sessionId: outcome.sessionId });
      else setRetryError(`Blocked by plugin ${outcome.pluginId}: ${safeString(outcome.message)}`);
    } catch (e) {
      setRetryError(errorMessage(e));
    } finally {
      setRetrying(false);
    }
  };
  const canRetry = session.origin === 'run' && (session.status === 'error' || session.status === 'stopped') && session.projectId !== null;
  const openSession = (id: string) => navigate('sessions', { ...(session.projectId ? { projectId: session.projectId } : {}), sessionId: id });
  const subagentOf = new Map(subagents.filter((c) => c.parentToolUseId).map((c) => [c.parentToolUseId!, c]));

  return (
    <article className="session-view panel" aria-label={`Session ${safeString(session.title)}`}>
      <header className="session-view-head">
        {session.parentSessionId ? (
          <Button size="sm" variant="ghost" icon={ChevronLeftIcon} className="session-parent-link" onClick={() => openSession(session.parentSessionId!)}>
            Main session
          </Button>
        ) : null}
        <div className="session-view-title">
          {session.parentSessionId ? <Badge tone="neutral">Subagent</Badge> : null}
          <h2 ref={heading} tabIndex={-1} data-navigation-focus>
            <SafeText text={session.title} />
          </h2>
          <Badge tone={STATUS_TONE[session.status]}>{STATUS_LABEL[session.status]}</Badge>
          {session.status === 'running' ? <Tip label="Live"><span className="live-dot" /></Tip> : null}
        </div>
        <dl className="session-stats">
          <div><dt>Agent</dt><dd>{PROVIDER_LABELS[session.provider as keyof typeof PROVIDER_LABELS] ?? session.provider}</dd></div>
          <div><dt>Model</dt><dd className="mono">{session.model ?? '—'}</dd></div>
          <div><dt>{session.costSource === 'estimated' ? 'Estimated cost' : 'Cost'}{session.status === 'running' ? ' so far' : ''}</dt><dd title={COST_SOURCE_HINT[session.costSource]}>{formatCost(session.costUsd, session.costSource)}</dd></div>
          <div><dt>Tokens</dt><dd>{formatTokens(session.inputTokens)} in · {formatTokens(session.outputTokens)} out</dd></div>
          {session.models.length > 1 ? (
            <div><dt>By model</dt><dd>{session.models.map((m) => `${m.model ?? 'unknown'} ${m.costUsd === null ? formatTokens(m.outputTokens) + ' out' : formatCost(m.costUsd, m.costSource)}`).join(' · ')}</dd></div>
          ) : null}
          <div><dt>Duration</dt><dd>{formatDuration(sessionDuration(session))}</dd></div>
          <div><dt>Tool calls</dt><dd>{session.toolCallCount}</dd></div>
        </dl>
        {session.status === 'running' && session.origin === 'run' ? (
          <Button variant="danger" size="sm" busy={stopping} onClick={() => void stop()}>
            Stop
          </Button>
        ) : null}
        {canRetry ? (
          <Button size="sm" busy={retrying} onClick={() => void retry()}>
            Retry run
          </Button>
        ) : null}
      </header>
      {subagents.length > 0 ? <SubagentList subagents={subagents} onOpen={openSession} /> : null}
      {retryError ? <Banner tone="danger" title="The run could not start again">{retryError}</Banner> : null}
      {session.status === 'error' && session.errorMessage ? (
        <Banner tone="danger" title={session.errorCategory ? `Failed: ${session.errorCategory.replaceAll('_', ' ')}` : 'Failed'}>{session.errorMessage}</Banner>
      ) : null}
      {session.status !== 'error' && session.errorCategory === 'permission_denied' ? (
        <Banner tone="warning" title="Tools refused">{session.errorMessage}</Banner>
      ) : null}
      <ol className="conversation" ref={list} aria-label="Conversation">
        {messages.map((m) => {
          if (isEmptyBubble(m)) return null;
          if (m.tool_result && shownResults.has(m.tool_result.tool_call_id)) return null;
          const result = m.tool_call ? results.get(m.tool_call.id) : undefined;
          if (result?.tool_result) shownResults.add(result.tool_result.tool_call_id);
          const subagent = m.tool_call ? subagentOf.get(m.tool_call.id) : undefined;
          return (
            <MessageItem
              key={m.id}
              message={m}
              result={result}
              focused={m.id === focusMessageId || result?.id === focusMessageId}
              inSubagent={session.parentSessionId !== null}
              subagent={subagent ? { title: subagent.title, open: () => openSession(subagent.id) } : undefined}
            />
          );
        })}
      </ol>
    </article>
  );
}

/** The subagents this session started, each with what it cost; their usage is part of this session's. */
function SubagentList({ subagents, onOpen }: { subagents: SessionInfo[]; onOpen(id: string): void }) {
  return (
    <section className="session-subagents" aria-label="Subagents">
      <h3>Subagents <span className="session-subagents-note">included in the figures above</span></h3>
      <ul>
        {subagents.map((c) => (
          <li key={c.id}>
            <button type="button" className="session-subagent" onClick={() => onOpen(c.id)}>
              <SafeText className="session-subagent-title" text={c.title} truncate />
              <span className="mono">{c.model ?? 'model unknown'}</span>
              <span>{formatTokens(c.inputTokens)} in · {formatTokens(c.outputTokens)} out</span>
              <span title={COST_SOURCE_HINT[c.costSource]}>{formatCost(c.costUsd, c.costSource)}</span>
              <span>{c.toolCallCount} tool {c.toolCallCount === 1 ? 'call' : 'calls'}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

function MessageItem(props: { message: MessageInfo; result: MessageInfo | undefined; focused: boolean; inSubagent: boolean; subagent: { title: string; open(): void } | undefined }) {
  const { message: m, result, focused, subagent } = props;
  const [open, setOpen] = useState(focused);
  const base = `message message-${m.role} message-${m.type}${focused ? ' is-focused' : ''}`;
  const time = <time className="message-time" dateTime={m.timestamp}>{formatTime(m.timestamp)}</time>;

  if (m.type === 'tool_call' && m.tool_call) {
    const failed = result?.tool_result?.is_error === true;
    return (
      <li className={`${base}${failed ? ' has-error' : ''}`} data-message-id={m.id}>
        <button type="button" className="tool-toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? <ChevronDownIcon size={14} /> : <ChevronRightIcon size={14} />}
          <span className="tool-name">{m.tool_call.name}</span>
          <SafeText className="tool-summary mono" text={m.content.replace(`${m.tool_call.name}: `, '')} />
          {failed ? <Badge tone="danger">error</Badge> : result ? null : <Badge tone="neutral">no result yet</Badge>}
          {time}
        </button>
        {subagent ? (
          <Button size="sm" className="tool-subagent" onClick={subagent.open} aria-label={`Open subagent: ${safeString(subagent.title)}`}>
            Open subagent
          </Button>
        ) : null}
        {open ? (
          <div className="tool-body">
            <ToolChanges tool={m.tool_call.name} input={m.tool_call.input} />
            {result ? (
              <pre className={`tool-result mono${failed ? ' is-error' : ''}`} aria-label="Result" data-message-id={result.id}>
                {result.content ? <SafeText text={result.content} /> : '(no output)'}
              </pre>
            ) : null}
          </div>
        ) : null}
      </li>
    );
  }
  if (m.type === 'tool_result') {
    return (
      <li className={`${base}${m.tool_result?.is_error ? ' has-error' : ''}`} data-message-id={m.id}>
        <SafeText as="pre" className="tool-result mono" text={m.content} />
      </li>
    );
  }
  if (m.type === 'thinking') {
    return (
      <li className={base} data-message-id={m.id}>
        <button type="button" className="tool-toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? <ChevronDownIcon size={14} /> : <ChevronRightIcon size={14} />}
          <span className="tool-name">Thinking</span>
          {time}
        </button>
        {open ? <SafeText as="p" className="message-text message-thinking-text" text={m.content} /> : null}
      </li>
    );
  }
  if (m.type === 'status' || m.type === 'cost') {
    return (
      <li className={base} data-message-id={m.id}>
        <SafeText className="message-note" text={m.content} />
        {time}
      </li>
    );
  }
  return (
    <li className={base} data-message-id={m.id} role={m.type === 'error' ? 'alert' : undefined}>
      <div className="message-head">
        <span className="message-role">{m.type === 'error' ? 'Error' : m.role === 'user' ? (props.inSubagent ? 'Main agent' : 'You') : m.role === 'assistant' ? (props.inSubagent ? 'Subagent' : 'Agent') : m.role}</span>
        {time}
      </div>
      {m.role === 'assistant' && m.type === 'text' ? <MarkdownText text={m.content} openLink={openLink} /> : <SafeText as="p" className="message-text" text={m.content} />}
    </li>
  );
}

const openLink = (url: string) => void api.invoke('app.openExternal', { url });

/**
 * What a file-changing tool call changed, as a highlighted diff; any other call's input. Drawn only
 * when the call is opened, and highlighted once: a long conversation holds many closed edits.
 */
function ToolChanges({ tool, input }: { tool: string; input: unknown }) {
  const diff = useMemo(() => toolDiff(tool, input), [tool, input]);
  const code = useMemo(() => (diff ? highlightLines(diff.lines.map((l) => safeString(l.text)), languageOfFile(diff.file)) : []), [diff]);
  if (!diff) return <ToolInput tool={tool} input={input} />;
  return (
    <pre className="diff" aria-label={`Changes to ${diff.file}`}>
      <div className="diff-file mono">{diff.file}</div>
      {diff.lines.map((l, i) => (
        <div key={i} className={`diff-line diff-${l.kind}`}>
          <span className="diff-sign" aria-hidden="true">{l.kind === 'add' ? '+' : l.kind === 'remove' ? '-' : l.kind === 'hunk' ? '' : ' '}</span>
          {l.kind === 'hunk' ? <SafeText text={l.text} /> : <code className="hljs">{code[i]}</code>}
        </div>
      ))}
    </pre>
  );
}

/** A tool call's input as its fields: a Bash command or a Task prompt with its real line breaks. */
function ToolInput({ tool, input }: { tool: string; input: unknown }) {
  return (
    <dl className="tool-input" aria-label="Input">
      {toolInputFields(tool, input).map((f) => (
        <div key={f.label} className="tool-input-field">
          <dt>{f.label}</dt>
          <SafeText as="dd" className={f.mono ? 'mono tool-input-code' : 'tool-input-prose'} text={f.text} />
        </div>
      ))}
    </dl>
  );
}
