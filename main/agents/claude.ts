import type { MessageRole, TokenUsage } from '../../app/messages.ts';
import { anthropicTokens, isoTime, titleFrom, type NewMessage, type NormalizedRecord, type SessionFacts } from './types.ts';

export const CLAUDE = 'claude';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Record types Claude Code writes that carry no conversation and are skipped on purpose. */
const BOOKKEEPING = new Set(['file-history-snapshot', 'queue-operation', 'progress']);

/** What a normalizer remembers about one file (or one run's output) between records. */
export interface ClaudeState {
  /** The session a record belongs to when it does not say (summary records). */
  sessionId: string | null;
  /** Prefix for message ids of records without a uuid (the file, or the run). */
  sourceKey: string;
  /** The first prompt already gave the session its title; later prompts are not made into titles. */
  titled?: boolean;
}

/** Tool results arrive as a string or as content blocks; the view wants text. */
function resultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((b) => (isObject(b) ? (str(b.text) ?? (b.type === 'image' ? '[image]' : '')) : String(b)))
      .filter(Boolean)
      .join('\n');
  }
  return content === undefined || content === null ? '' : JSON.stringify(content);
}

/** One line that says what a tool call does, for the conversation and for search. */
export function describeToolCall(name: string, input: unknown): string {
  if (isObject(input)) {
    const target = str(input.command) ?? str(input.file_path) ?? str(input.path) ?? str(input.pattern) ?? str(input.url) ?? str(input.description);
    if (target) return `${name}: ${target}`;
  }
  const json = JSON.stringify(input ?? {});
  return `${name}: ${json.length > 500 ? `${json.slice(0, 499)}…` : json}`;
}

function usageOf(raw: unknown): TokenUsage | undefined {
  if (!isObject(raw)) return undefined;
  const usage: TokenUsage = {};
  for (const key of ['input_tokens', 'output_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens'] as const) {
    if (typeof raw[key] === 'number') usage[key] = raw[key];
  }
  return Object.keys(usage).length ? usage : undefined;
}

/** Claude Code's stand-in for a reply when the API call failed: an error, with no usage of its own. */
export const SYNTHETIC_MODEL = '<synthetic>';

/**
 * Whether a user record's text is something a person typed. Claude Code also writes interruptions,
 * slash-command and hook wrappers, reminders, background-task notices and compaction summaries as
 * user text; none of them is a turn.
 */
export function isTypedPrompt(text: string): boolean {
  if (!text.trim()) return false;
  if (/^\s*<(command-|local-command|system-reminder|user-prompt-submit-hook|task-notification|bash-stdout|bash-stderr)/.test(text)) return false;
  return !text.startsWith('Caveat:') && !text.startsWith('[Request interrupted') && !text.startsWith('This session is being continued from a previous conversation');
}

/**
 * Turns a `message` (the Anthropic API shape Claude Code stores and
 * streams) into one AgentMessage per content block. Claude Code's synthetic
 * API-error reply is an error the system reports, not the model's words:
 * search shows it as such, and plugins and post_flight hooks never take it
 * for a reply.
 */
export function contentMessages(
  message: Json,
  base: { idPrefix: string; sessionId: string; timestamp: string; raw: string; provider: string },
  options: { apiError?: boolean; typed?: boolean; usageScope?: string } = {},
): NewMessage[] {
  const role: MessageRole = message.role === 'assistant' ? 'assistant' : 'user';
  const out: NewMessage[] = [];
  const common = { sessionId: base.sessionId, provider: base.provider, timestamp: base.timestamp, raw: base.raw };
  const push = (i: number, m: Omit<NewMessage, 'id' | 'sessionId' | 'provider' | 'timestamp' | 'raw'>) => out.push({ id: `${base.idPrefix}:${i}`, ...common, ...m });
  const content = message.content;
  if (typeof content === 'string') {
    if (options.apiError) push(0, { type: 'error', role: 'system', content, error: content });
    else push(0, { type: 'text', role, content });
  } else if (Array.isArray(content)) {
    content.forEach((block, i) => {
      if (!isObject(block)) return;
      switch (block.type) {
        case 'text': {
          const text = str(block.text) ?? '';
          if (options.apiError) push(i, { type: 'error', role: 'system', content: text, error: text });
          else push(i, { type: 'text', role, content: text });
          break;
        }
        case 'thinking':
        case 'redacted_thinking':
          push(i, { type: 'thinking', role: 'assistant', content: str(block.thinking) ?? '[redacted thinking]' });
          break;
        case 'tool_use':
        case 'server_tool_use': {
          const name = str(block.name) ?? 'tool';
          push(i, { type: 'tool_call', role: 'assistant', content: describeToolCall(name, block.input), tool_call: { id: str(block.id) ?? `${base.idPrefix}:${i}`, name, input: block.input ?? {} } });
          break;
        }
        case 'tool_result': {
          const text = resultText(block.content);
          push(i, { type: 'tool_result', role: 'tool', content: text, tool_result: { tool_call_id: str(block.tool_use_id) ?? '', content: text, is_error: block.is_error === true } });
          break;
        }
        case 'image':
          push(i, { type: 'text', role, content: '[image]' });
          break;
        default:
          push(i, { type: 'text', role, content: `[${String(block.type)}]` });
      }
    });
  }
  if (options.typed && role === 'user') {
    const prompt = out.find((m) => m.type === 'text' && isTypedPrompt(m.content));
    if (prompt) prompt.prompt = true;
  }
  const model = str(message.model);
  const usage = role === 'assistant' && !options.apiError && model !== SYNTHETIC_MODEL ? usageOf(message.usage) : undefined;
  const first = out.find((m) => m.type !== 'error') ?? out[0];
  if (usage && first) {
    first.usage = usage;
    first.callTokens = anthropicTokens(message.usage as Json);
    first.usageKey = `${options.usageScope ?? ''}${str(message.id) ?? first.id}`;
    if (model) first.usageModel = model;
  }
  return out;
}

/**
 * A subagent's records (its own `subagents/agent-<id>.jsonl`, and the copies some versions also
 * write into the parent's file) carry `isSidechain` and the subagent's `agentId`: they belong to
 * the subagent's session, a child of the parent. Compaction runs (`acompact-…`) are the parent's
 * own bookkeeping and stay in it.
 */
export function subagentSessionId(record: Json, parentSessionId: string): string | undefined {
  const agentId = str(record.agentId);
  if (record.isSidechain !== true || !agentId || agentId.startsWith('acompact')) return undefined;
  return `${parentSessionId}:agent-${agentId}`;
}

/** `<session>/subagents/agent-<id>.jsonl`, or `agent-<id>.jsonl` beside the sessions in older versions. */
const isSubagentFile = (sourceKey: string) => /(^|[\\/])agent-[^\\/]*\.jsonl$/.test(sourceKey);

/** A Task (or Agent) call's result, which names the subagent that ran it. */
function subagentLink(record: Json, message: Json, sessionId: string): NormalizedRecord['subagent'] {
  const result = isObject(record.toolUseResult) ? record.toolUseResult : undefined;
  const agentId = str(result?.agentId);
  if (!agentId || agentId.startsWith('acompact') || !Array.isArray(message.content)) return undefined;
  const block = message.content.find((b) => isObject(b) && b.type === 'tool_result' && typeof b.tool_use_id === 'string') as Json | undefined;
  if (!block) return undefined;
  return { sessionId: `${sessionId}:agent-${agentId}`, parentSessionId: sessionId, toolUseId: block.tool_use_id as string };
}

/** The first thing the user typed is the title until a summary says better. */
function promptTitle(message: Json): string | undefined {
  const content = message.content;
  if (typeof content === 'string') return isTypedPrompt(content) ? titleFrom(content) : undefined;
  if (Array.isArray(content)) {
    const text = content.find((b) => isObject(b) && b.type === 'text' && typeof b.text === 'string') as Json | undefined;
    if (text && isTypedPrompt(text.text as string)) return titleFrom(text.text as string);
  }
  return undefined;
}

/**
 * `system/api_error`: a failed API call, with the error and, when Claude Code is about to ask
 * again, its retry ("API error 529 Overloaded · retry 1 of 10 in 1 s"). A call that will be
 * retried is a status; one that will not is the error.
 */
function apiErrorMessage(record: Json, base: Pick<NewMessage, 'id' | 'sessionId' | 'provider' | 'timestamp' | 'raw'>): NewMessage {
  const error = isObject(record.error) ? record.error : undefined;
  const status = typeof error?.status === 'number' ? `${error.status} ` : '';
  const formatted = str(error?.formatted);
  const detail = formatted ? formatted.replace(/^\d{3}\s+/, '') : (str(error?.message) ?? str(record.error) ?? 'the API returned an error');
  const text = `API error ${status}${detail}`.trim();
  const attempt = typeof record.retryAttempt === 'number' ? record.retryAttempt : undefined;
  if (attempt !== undefined) {
    const max = typeof record.maxRetries === 'number' ? ` of ${record.maxRetries}` : '';
    const wait = typeof record.retryInMs === 'number' ? ` in ${Math.max(1, Math.round(record.retryInMs / 1000))} s` : '';
    return { ...base, type: 'status', role: 'system', content: `${text} · retry ${attempt}${max}${wait}` };
  }
  return { ...base, type: 'error', role: 'system', content: text, error: text };
}

/**
 * One transcript record (a line of `~/.claude/projects/<project>/<session>.jsonl`
 * or of a subagent transcript) as messages and session facts.
 */
export function normalizeClaudeRecord(record: unknown, raw: string, lineKey: () => string, state: ClaudeState, fallbackTime: string): NormalizedRecord {
  if (!isObject(record) || typeof record.type !== 'string') return { messages: [], unknownType: '(no type)' };
  const type = record.type;
  const sessionId = str(record.sessionId) ?? str(record.session_id) ?? state.sessionId;
  if (sessionId && !state.sessionId) state.sessionId = sessionId;
  const timestamp = isoTime(record.timestamp, fallbackTime);
  const uuid = str(record.uuid);
  const idPrefix = uuid ? `${CLAUDE}:${uuid}` : `${CLAUDE}:${state.sourceKey}:${lineKey()}`;

  if (type === 'summary') {
    const summary = str(record.summary);
    return sessionId && summary ? { facts: { id: sessionId, provider: CLAUDE, title: titleFrom(summary) }, messages: [] } : { messages: [] };
  }
  if (BOOKKEEPING.has(type)) return { messages: [] };
  if (!sessionId) return { messages: [], unknownType: type };
  const child = subagentSessionId(record, sessionId);
  // The parent's file may repeat a subagent's record under another uuid; the subagent's own file has it.
  if (child) return isSubagentFile(state.sourceKey) ? subagentRecord(record, raw, idPrefix, child, sessionId, timestamp) : { messages: [] };

  const facts = recordFacts(record, { id: sessionId, provider: CLAUDE, timestamp });

  if (type === 'user' || type === 'assistant') {
    const message = record.message;
    if (!isObject(message)) return { facts, messages: [], unknownType: `${type} (no message)` };
    const model = str(message.model);
    if (model && model !== SYNTHETIC_MODEL && record.isSidechain !== true) facts.model = model;
    if (type === 'user' && !state.titled && record.isSidechain !== true && record.isMeta !== true) {
      const title = promptTitle(message);
      if (title) {
        facts.title = title;
        state.titled = true;
      }
    }
    const messages = contentMessages(message, { idPrefix, sessionId, timestamp, raw, provider: CLAUDE }, {
      apiError: isApiError(record, model),
      typed: record.isSidechain !== true && record.isMeta !== true && record.isCompactSummary !== true && record.isVisibleInTranscriptOnly !== true,
    });
    const subagent = type === 'user' ? subagentLink(record, message, sessionId) : undefined;
    return subagent ? { facts, messages, subagent } : { facts, messages };
  }
  if (type === 'system') return { facts, messages: [systemMessage(record, { id: `${idPrefix}:0`, sessionId, provider: CLAUDE, timestamp, raw })] };
  return { facts, messages: [], unknownType: type };
}

/** A `system` record: an API error, or a status line (an error when its level says so). */
function systemMessage(record: Json, base: Pick<NewMessage, 'id' | 'sessionId' | 'provider' | 'timestamp' | 'raw'>): NewMessage {
  if (record.subtype === 'api_error') return apiErrorMessage(record, base);
  const text = str(record.content) ?? str(record.subtype) ?? 'system';
  const isError = record.level === 'error';
  return { ...base, type: isError ? 'error' : 'status', role: 'system', content: text, ...(isError ? { error: text } : {}) };
}

/** What every record says of its session: its working folder and git branch, where it has them. */
function recordFacts(record: Json, facts: SessionFacts): SessionFacts {
  const cwd = str(record.cwd);
  if (cwd) facts.cwd = cwd;
  const branch = str(record.gitBranch);
  if (branch) facts.gitBranch = branch;
  return facts;
}

const isApiError = (record: Json, model: string | undefined) => record.isApiErrorMessage === true || record.is_api_error_message === true || model === SYNTHETIC_MODEL;

/**
 * A record of a subagent's own conversation, in its child session: its model is the child's, its
 * first prompt (the task it was given) the child's title, and nothing in it is a turn of the parent.
 */
function subagentRecord(record: Json, raw: string, idPrefix: string, sessionId: string, parentSessionId: string, timestamp: string): NormalizedRecord {
  const facts = recordFacts(record, { id: sessionId, provider: CLAUDE, timestamp, parentSessionId });
  const message = record.message;
  if (record.type === 'system') return { facts, messages: [systemMessage(record, { id: `${idPrefix}:0`, sessionId, provider: CLAUDE, timestamp, raw })] };
  if ((record.type !== 'user' && record.type !== 'assistant') || !isObject(message)) return { facts, messages: [], unknownType: `${String(record.type)} (subagent)` };
  const model = str(message.model);
  if (model && model !== SYNTHETIC_MODEL) facts.model = model;
  if (record.type === 'user') {
    const title = promptTitle(message);
    if (title) facts.title = title;
  }
  return { facts, messages: contentMessages(message, { idPrefix, sessionId, timestamp, raw, provider: CLAUDE }, { apiError: isApiError(record, model) }) };
}
