import type { TokenUsage } from '../../app/messages.ts';
import { describeToolCall } from './claude.ts';
import { isoTime, titleFrom, type CallTokens, type NewMessage, type NormalizedRecord, type SessionFacts } from './types.ts';

export const CODEX = 'codex';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

export interface CodexState {
  sessionId: string | null;
  sourceKey: string;
}

/** `event_msg` kinds that repeat what a `response_item` already said, or only mark progress. */
const EVENT_DUPLICATES = new Set([
  'user_message',
  'agent_message',
  'agent_reasoning',
  'agent_reasoning_raw_content',
  'agent_reasoning_section_break',
  'task_started',
  'task_complete',
  'exec_command_begin',
  'exec_command_end',
  'patch_apply_begin',
  'patch_apply_end',
  'turn_diff',
  'mcp_tool_call_begin',
  'mcp_tool_call_end',
  'web_search_begin',
  'web_search_end',
]);

/** The uuid at the end of `rollout-2025-10-29T00-59-38-<uuid>.jsonl`. */
export function codexSessionIdFromPath(path: string): string | null {
  const match = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.jsonl$/i.exec(path);
  return match ? match[1]!.toLowerCase() : null;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((b) => (isObject(b) ? (str(b.text) ?? (b.type === 'input_image' ? '[image]' : '')) : ''))
    .filter(Boolean)
    .join('\n');
}

/** Context Codex injects as user messages; shown as status, not as a prompt. */
function isInjected(text: string): boolean {
  return /^\s*<(environment_context|user_instructions|permissions|INSTRUCTIONS)/i.test(text) || text.startsWith('# AGENTS.md');
}

/** Shell tool output is a JSON string `{output, metadata: {exit_code}}` in older logs, plain text in newer ones. */
function toolOutput(output: unknown): { text: string; isError: boolean } {
  if (typeof output !== 'string') return { text: output === undefined ? '' : JSON.stringify(output), isError: false };
  try {
    const parsed = JSON.parse(output) as unknown;
    if (isObject(parsed) && typeof parsed.output === 'string') {
      const exit = isObject(parsed.metadata) ? num(parsed.metadata.exit_code) : undefined;
      return { text: parsed.output, isError: exit !== undefined && exit !== 0 };
    }
  } catch {
    // Plain text output.
  }
  const exit = /^Exit code: (\d+)/m.exec(output);
  return { text: output, isError: exit !== null && exit[1] !== '0' };
}

function parseArguments(args: unknown): unknown {
  if (typeof args !== 'string') return args ?? {};
  try {
    return JSON.parse(args);
  } catch {
    return args;
  }
}

/** Codex counts cached tokens inside input_tokens; the store keeps them apart like Anthropic does. */
export function codexUsage(raw: unknown): TokenUsage | undefined {
  if (!isObject(raw)) return undefined;
  const input = num(raw.input_tokens) ?? 0;
  const cached = num(raw.cached_input_tokens) ?? 0;
  const output = num(raw.output_tokens) ?? 0;
  if (input === 0 && output === 0) return undefined;
  return { input_tokens: Math.max(0, input - cached), cache_read_input_tokens: cached, output_tokens: output };
}

/** Codex has no cache writes; what it reads from cache is already apart in `codexUsage`. */
export function codexTokens(usage: TokenUsage): CallTokens {
  return { input: usage.input_tokens ?? 0, output: usage.output_tokens ?? 0, cacheRead: usage.cache_read_input_tokens ?? 0, cacheWrite5m: 0, cacheWrite1h: 0 };
}

/**
 * One line of a Codex CLI rollout (`~/.codex/sessions/YYYY/MM/DD/rollout-*.jsonl`):
 * `{timestamp, type: session_meta | turn_context | response_item | event_msg | compacted, payload}`.
 */
export function normalizeCodexRecord(record: unknown, raw: string, lineKey: () => string, state: CodexState, fallbackTime: string): NormalizedRecord {
  if (!isObject(record) || typeof record.type !== 'string') return { messages: [], unknownType: '(no type)' };
  const payload = isObject(record.payload) ? record.payload : {};
  const timestamp = isoTime(record.timestamp, fallbackTime);

  if (record.type === 'session_meta') {
    const id = str(payload.id) ?? state.sessionId;
    if (!id) return { messages: [], unknownType: 'session_meta (no id)' };
    state.sessionId = id;
    const facts: SessionFacts = { id, provider: CODEX, timestamp: isoTime(payload.timestamp, timestamp) };
    const cwd = str(payload.cwd);
    if (cwd) facts.cwd = cwd;
    const branch = isObject(payload.git) ? str(payload.git.branch) : undefined;
    if (branch) facts.gitBranch = branch;
    return { facts, messages: [] };
  }

  const sessionId = state.sessionId;
  if (!sessionId) return { messages: [], unknownType: record.type };
  const facts: SessionFacts = { id: sessionId, provider: CODEX, timestamp };
  const id = `${CODEX}:${state.sourceKey}:${lineKey()}`;
  const base = { id, sessionId, provider: CODEX, timestamp, raw };
  const one = (m: Omit<NewMessage, 'id' | 'sessionId' | 'provider' | 'timestamp' | 'raw'>): NormalizedRecord => ({ facts, messages: [{ ...base, ...m }] });

  switch (record.type) {
    case 'turn_context': {
      const model = str(payload.model);
      if (model) facts.model = model;
      const cwd = str(payload.cwd);
      if (cwd) facts.cwd = cwd;
      return { facts, messages: [] };
    }
    case 'compacted':
      return one({ type: 'status', role: 'system', content: 'Conversation compacted' });
    case 'response_item':
      return responseItem(payload, facts, one);
    case 'event_msg': {
      const kind = str(payload.type) ?? '';
      if (EVENT_DUPLICATES.has(kind)) return { facts, messages: [] };
      if (kind === 'token_count') {
        const info = isObject(payload.info) ? payload.info : undefined;
        const usage = codexUsage(info?.last_token_usage);
        if (!usage) return { facts, messages: [] };
        const total = (usage.input_tokens ?? 0) + (usage.cache_read_input_tokens ?? 0) + (usage.output_tokens ?? 0);
        return one({ type: 'cost', role: 'system', content: `${total.toLocaleString('en-US')} tokens`, usage, callTokens: codexTokens(usage) });
      }
      if (kind === 'error' || kind === 'stream_error') {
        const text = str(payload.message) ?? 'Codex reported an error';
        return one({ type: 'error', role: 'system', content: text, error: text });
      }
      if (kind === 'turn_aborted') return one({ type: 'status', role: 'system', content: `Turn aborted (${str(payload.reason) ?? 'interrupted'})` });
      return { facts, messages: [], unknownType: `event_msg/${kind}` };
    }
    default:
      return { facts, messages: [], unknownType: record.type };
  }
}

function responseItem(
  payload: Json,
  facts: SessionFacts,
  one: (m: Omit<NewMessage, 'id' | 'sessionId' | 'provider' | 'timestamp' | 'raw'>) => NormalizedRecord,
): NormalizedRecord {
  switch (payload.type) {
    case 'message': {
      const text = textOf(payload.content);
      const role = str(payload.role);
      if (role === 'assistant') return one({ type: 'text', role: 'assistant', content: text });
      if (role === 'user' && !isInjected(text)) {
        facts.title = titleFrom(text);
        return one({ type: 'text', role: 'user', content: text, prompt: true });
      }
      return one({ type: 'status', role: 'system', content: text });
    }
    case 'reasoning': {
      const summary = Array.isArray(payload.summary) ? payload.summary.map((s) => (isObject(s) ? (str(s.text) ?? '') : '')).join('\n') : '';
      return one({ type: 'thinking', role: 'assistant', content: summary || textOf(payload.content) || '[reasoning]' });
    }
    case 'function_call':
    case 'custom_tool_call':
    case 'local_shell_call': {
      const name = str(payload.name) ?? (payload.type === 'local_shell_call' ? 'shell' : 'tool');
      const input = payload.type === 'function_call' ? parseArguments(payload.arguments) : (payload.input ?? payload.action ?? {});
      const callId = str(payload.call_id) ?? str(payload.id) ?? '';
      return one({ type: 'tool_call', role: 'assistant', content: describeToolCall(name, input), tool_call: { id: callId, name, input } });
    }
    case 'function_call_output':
    case 'custom_tool_call_output': {
      const { text, isError } = toolOutput(payload.output);
      return one({ type: 'tool_result', role: 'tool', content: text, tool_result: { tool_call_id: str(payload.call_id) ?? '', content: text, is_error: isError } });
    }
    default:
      return { facts, messages: [], unknownType: `response_item/${String(payload.type)}` };
  }
}
