import { CLAUDE, contentMessages, describeToolCall, SYNTHETIC_MODEL } from './claude.ts';
import { CODEX, codexTokens, codexUsage } from './codex.ts';
import { anthropicTokens, type NewMessage, type NormalizedRecord, type ReportedUsage, type SessionFacts } from './types.ts';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** A run's output, line by line: which session and attempt it belongs to. */
export interface StreamState {
  sessionId: string;
  attempt: number;
  /** Codex items whose call was already shown when they started. */
  startedItems: Set<string>;
  /** API calls the agent itself retried in this attempt (Claude Code's `system/api_retry`). */
  apiRetries: number;
  /** The last error Codex reported, so `turn.failed` with the same text is not shown again. */
  lastError?: string;
  /** The model Claude Code said it runs (system/init), for a result that gives its usage without `modelUsage`. */
  model?: string;
}

export type StreamNormalizer = (record: unknown, raw: string, line: number, state: StreamState, now: string) => NormalizedRecord;

const prefix = (state: StreamState, line: number) => `run:${state.sessionId}:${state.attempt}:${line}`;

/** `claude -p --output-format stream-json --verbose`: system/init, assistant, user, result. */
export const normalizeClaudeStream: StreamNormalizer = (record, raw, line, state, now) => {
  if (!isObject(record) || typeof record.type !== 'string') return { messages: [], unknownType: '(no type)' };
  const facts: SessionFacts = { id: state.sessionId, provider: CLAUDE };
  const base = { sessionId: state.sessionId, provider: CLAUDE, timestamp: now, raw };
  switch (record.type) {
    case 'system': {
      if (record.subtype === 'api_retry') {
        state.apiRetries += 1;
        return { facts, messages: [{ ...base, id: `${prefix(state, line)}:0`, type: 'status', role: 'system', content: apiRetryText(record) }] };
      }
      if (record.subtype === 'permission_denied') {
        const text = str(record.message) ?? `Claude Code was not allowed to use ${str(record.tool_name) ?? 'a tool'}`;
        return { facts, messages: [{ ...base, id: `${prefix(state, line)}:0`, type: 'status', role: 'system', content: `Permission denied: ${text}` }] };
      }
      if (record.subtype === 'api_error') {
        const text = str(record.error) ?? str(record.message) ?? str(record.content) ?? 'The API returned an error';
        return { facts, messages: [{ ...base, id: `${prefix(state, line)}:0`, type: 'error', role: 'system', content: text, error: text }] };
      }
      // Other subtypes (task_started, hook events, …) are kept raw and counted, as in transcripts.
      if (record.subtype !== 'init') return { facts, messages: [], unknownType: `system/${str(record.subtype) ?? '(no subtype)'}` };
      const model = str(record.model);
      if (model) {
        facts.model = model;
        state.model = model;
      }
      const external = str(record.session_id);
      if (external) facts.externalId = external;
      return { facts, messages: [{ ...base, id: `${prefix(state, line)}:0`, type: 'status', role: 'system', content: `Claude Code started${model ? ` (${model})` : ''}` }] };
    }
    case 'assistant':
    case 'user': {
      const message = record.message;
      if (!isObject(message)) return { messages: [], unknownType: `${record.type} (no message)` };
      // A foreground subagent's records carry the id of the Task call that started it (the transcript's isSidechain):
      // its task prompt is not a turn, and its often smaller model is not the session's.
      const subagent = typeof record.parent_tool_use_id === 'string';
      const model = str(message.model);
      if (model && model !== SYNTHETIC_MODEL && !subagent) facts.model = model;
      // A streamed record carries its call's usage as the call began (output 1); the result's totals replace it.
      const options = { usageScope: `${state.attempt}:`, apiError: model === SYNTHETIC_MODEL };
      return { facts, messages: contentMessages(message, { idPrefix: prefix(state, line), sessionId: state.sessionId, timestamp: now, raw, provider: CLAUDE }, options) };
    }
    case 'result': {
      const isError = record.is_error === true || (typeof record.subtype === 'string' && record.subtype !== 'success');
      const text = str(record.result) ?? (Array.isArray(record.errors) ? record.errors.join('\n') : undefined) ?? str(record.subtype) ?? '';
      const cost = typeof record.total_cost_usd === 'number' ? record.total_cost_usd : undefined;
      const messages: NewMessage[] = [];
      if (isError) messages.push({ ...base, id: `${prefix(state, line)}:0`, type: 'error', role: 'system', content: text, error: text });
      if (cost !== undefined) {
        const turns = typeof record.num_turns === 'number' ? ` · ${record.num_turns} ${record.num_turns === 1 ? 'turn' : 'turns'}` : '';
        messages.push({ ...base, id: `${prefix(state, line)}:1`, type: 'cost', role: 'system', content: `Cost $${cost.toFixed(4)}${turns}`, cost_usd: cost });
      }
      // Versions without `modelUsage` give the run's `usage` alone: it is the init model's.
      const models = isObject(record.modelUsage)
        ? reportedModels(record.modelUsage)
        : isObject(record.usage) && state.model
          ? [{ model: state.model, tokens: anthropicTokens(record.usage), costUsd: cost ?? null }]
          : [];
      const denied = Array.isArray(record.permission_denials) ? record.permission_denials.filter(isObject).map((d) => ({ tool: str(d.tool_name) ?? 'tool', input: d.tool_input ?? {} })) : [];
      if (denied.length) {
        const names = [...new Set(denied.map((d) => d.tool))].join(', ');
        messages.push({ ...base, id: `${prefix(state, line)}:2`, type: 'status', role: 'system', content: `Not allowed to use ${names} (${denied.length} ${denied.length === 1 ? 'call' : 'calls'} refused)` });
      }
      const status = typeof record.api_error_status === 'number' ? record.api_error_status : undefined;
      return {
        facts,
        messages,
        end: {
          status: isError ? 'error' : 'success',
          ...(isError ? { error: text } : {}),
          ...(cost !== undefined ? { costUsd: cost } : {}),
          ...(status !== undefined ? { apiErrorStatus: status } : {}),
          ...(denied.length ? { deniedTools: denied } : {}),
        },
        ...(models.length ? { reportedUsage: { attempt: state.attempt, models } } : {}),
      };
    }
    default:
      return { messages: [], unknownType: record.type };
  }
};

/** "API retry 2 of 10 in 8 s (429 rate_limit)": what Claude Code is doing while it waits. */
function apiRetryText(record: Json): string {
  const attempt = typeof record.attempt === 'number' ? record.attempt : undefined;
  const max = typeof record.max_retries === 'number' ? record.max_retries : undefined;
  const delay = typeof record.retry_delay_ms === 'number' ? Math.max(1, Math.round(record.retry_delay_ms / 1000)) : undefined;
  const why = [typeof record.error_status === 'number' ? String(record.error_status) : undefined, str(record.error)?.replace(/_/g, ' ')].filter(Boolean).join(' ');
  return `API retry${attempt !== undefined ? ` ${attempt}${max !== undefined ? ` of ${max}` : ''}` : ''}${delay !== undefined ? ` in ${delay} s` : ''}${why ? ` (${why})` : ''}`;
}

const count = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.round(v) : 0);

/** The result's `modelUsage`: every model the run used, its subagents' and side calls' included. */
function reportedModels(raw: unknown): ReportedUsage[] {
  if (!isObject(raw)) return [];
  return Object.entries(raw).flatMap(([model, u]) => {
    if (!isObject(u)) return [];
    const write = count(u.cacheCreationInputTokens);
    const hour = Math.min(write, count(u.cacheCreationEphemeral1hInputTokens));
    const tokens = { input: count(u.inputTokens), output: count(u.outputTokens), cacheRead: count(u.cacheReadInputTokens), cacheWrite5m: write - hour, cacheWrite1h: hour };
    return [{ model, tokens, costUsd: typeof u.costUSD === 'number' && Number.isFinite(u.costUSD) ? u.costUSD : null }];
  });
}

/** `codex exec --json`: thread.started, turn.*, item.started / item.completed, error. */
export const normalizeCodexStream: StreamNormalizer = (record, raw, line, state, now) => {
  if (!isObject(record) || typeof record.type !== 'string') return { messages: [], unknownType: '(no type)' };
  const facts: SessionFacts = { id: state.sessionId, provider: CODEX };
  const base = { sessionId: state.sessionId, provider: CODEX, timestamp: now, raw };
  const one = (suffix: string, m: Omit<NewMessage, 'id' | 'sessionId' | 'provider' | 'timestamp' | 'raw'>): NewMessage => ({ ...base, id: `${prefix(state, line)}:${suffix}`, ...m });
  switch (record.type) {
    case 'thread.started': {
      const thread = str(record.thread_id);
      if (thread) facts.externalId = thread;
      return { facts, messages: [one('0', { type: 'status', role: 'system', content: 'Codex started' })] };
    }
    case 'turn.started':
      return { messages: [] };
    case 'turn.completed': {
      // A turn that completes after an `error` event (a dropped stream Codex reconnected) succeeded.
      const end = { status: 'success' as const };
      state.lastError = undefined;
      const usage = codexUsage(record.usage);
      if (!usage) return { messages: [], end };
      const total = (usage.input_tokens ?? 0) + (usage.cache_read_input_tokens ?? 0) + (usage.output_tokens ?? 0);
      return { facts, messages: [one('0', { type: 'cost', role: 'system', content: `${total.toLocaleString('en-US')} tokens`, usage, callTokens: codexTokens(usage) })], end };
    }
    case 'error': {
      const text = (isObject(record.error) ? str(record.error.message) : undefined) ?? str(record.message) ?? 'Codex reported an error';
      // "Reconnecting... 2/5": Codex retries on its own; only what follows says whether the turn failed.
      if (/^\s*reconnecting\b/i.test(text)) {
        // Codex retries on its own: the app does not start the task again on top.
        state.apiRetries += 1;
        return { facts, messages: [one('0', { type: 'status', role: 'system', content: text })] };
      }
      state.lastError = text;
      return { facts, messages: [one('0', { type: 'error', role: 'system', content: text, error: text })], end: { status: 'error', error: text } };
    }
    case 'turn.failed': {
      const text = (isObject(record.error) ? str(record.error.message) : undefined) ?? str(record.message) ?? 'Codex reported an error';
      const end = { status: 'error' as const, error: state.lastError ?? text };
      // The same failure, said again by the turn: shown once.
      if (state.lastError !== undefined && (text === state.lastError || state.lastError.includes(text))) return { facts, messages: [], end };
      state.lastError = text;
      return { facts, messages: [one('0', { type: 'error', role: 'system', content: text, error: text })], end };
    }
    case 'item.started':
    case 'item.updated':
    case 'item.completed':
      return codexItem(record, state, facts, one);
    default:
      return { messages: [], unknownType: record.type };
  }
};

function codexItem(
  record: Json,
  state: StreamState,
  facts: SessionFacts,
  one: (suffix: string, m: Omit<NewMessage, 'id' | 'sessionId' | 'provider' | 'timestamp' | 'raw'>) => NewMessage,
): NormalizedRecord {
  const item = isObject(record.item) ? record.item : undefined;
  if (!item) return { messages: [], unknownType: `${String(record.type)} (no item)` };
  const itemId = `${state.attempt}:${str(item.id) ?? ''}`;
  const callId = str(item.id) ?? '';
  const started = record.type === 'item.started';
  const call = (name: string, input: unknown): NewMessage =>
    one('call', { type: 'tool_call', role: 'assistant', content: describeToolCall(name, input), tool_call: { id: callId, name, input } });
  const result = (text: string, isError: boolean): NewMessage =>
    one('result', { type: 'tool_result', role: 'tool', content: text, tool_result: { tool_call_id: callId, content: text, is_error: isError } });

  if (record.type === 'item.updated') return { messages: [] };
  switch (item.type) {
    case 'command_execution': {
      const input = { command: str(item.command) ?? '' };
      if (started) {
        state.startedItems.add(itemId);
        return { facts, messages: [call('shell', input)] };
      }
      const messages = state.startedItems.delete(itemId) ? [] : [call('shell', input)];
      const exit = typeof item.exit_code === 'number' ? item.exit_code : 0;
      messages.push(result(str(item.aggregated_output) ?? '', exit !== 0 || item.status === 'failed'));
      return { facts, messages };
    }
    case 'mcp_tool_call': {
      const name = `${str(item.server) ?? 'mcp'}.${str(item.tool) ?? 'tool'}`;
      if (started) {
        state.startedItems.add(itemId);
        return { facts, messages: [call(name, item.arguments ?? {})] };
      }
      const messages = state.startedItems.delete(itemId) ? [] : [call(name, item.arguments ?? {})];
      messages.push(result(item.result === undefined ? '' : JSON.stringify(item.result), item.status === 'failed'));
      return { facts, messages };
    }
    case 'file_change': {
      if (started) return { messages: [] };
      const changes = Array.isArray(item.changes) ? item.changes : [];
      const paths = changes.map((c) => (isObject(c) ? `${str(c.kind) ?? 'update'} ${str(c.path) ?? ''}` : '')).join('\n');
      return { facts, messages: [call('apply_patch', { changes }), result(paths || 'No files changed', item.status === 'failed')] };
    }
    case 'web_search':
      return started ? { messages: [] } : { facts, messages: [call('web_search', { query: str(item.query) ?? '' })] };
    case 'agent_message':
      return started ? { messages: [] } : { facts, messages: [one('0', { type: 'text', role: 'assistant', content: str(item.text) ?? '' })] };
    case 'reasoning':
      return started ? { messages: [] } : { facts, messages: [one('0', { type: 'thinking', role: 'assistant', content: str(item.text) ?? '' })] };
    case 'todo_list': {
      if (started) return { messages: [] };
      const items = Array.isArray(item.items) ? item.items : [];
      const text = items.map((t) => (isObject(t) ? `${t.completed === true ? '[x]' : '[ ]'} ${str(t.text) ?? ''}` : '')).join('\n');
      return { facts, messages: [one('0', { type: 'status', role: 'system', content: `Plan:\n${text}` })] };
    }
    case 'error': {
      // Codex reports warnings as error items ("falling back to…"); the turn goes on, so it is not a failure.
      const text = str(item.message) ?? 'Codex reported a problem';
      return { facts, messages: [one('0', { type: 'status', role: 'system', content: `Warning: ${text}` })] };
    }
    default:
      return { messages: [], unknownType: `item/${String(item.type)}` };
  }
}
