import { Ajv, type ValidateFunction } from 'ajv';
import { PanelContent, type Panel } from '../../app/contract/plugins.ts';
import {
  API_METHODS,
  ENVELOPE_LIMITS,
  HookReplySchema,
  HostEnvelope,
  type ApiMethod,
  type HookReply,
  type HostMessage,
} from '../../app/plugin-protocol.ts';
import { describeSchemaErrors } from './manifest.ts';

/**
 * Main's gate for everything a plugin process sends. The process may be
 * compromised, so nothing is assumed: the envelope must be JSON text of
 * bounded size, bounded depth and node count, and match the protocol schema
 * exactly; each call's argument must match its method's schema.
 */

const ajv = new Ajv({ allErrors: false, strict: false });
/** One validator per envelope type, so each message is checked against its own shape only (the hot path of every plugin). */
const envelopeValidators = new Map<string, ValidateFunction[]>();
for (const member of HostEnvelope.anyOf) {
  const type = (member.properties.t as { const: string }).const;
  envelopeValidators.set(type, [...(envelopeValidators.get(type) ?? []), ajv.compile(member)]);
}

function isEnvelope(value: unknown): value is HostMessage {
  const type = typeof value === 'object' && value !== null ? (value as { t?: unknown }).t : undefined;
  const candidates = typeof type === 'string' ? envelopeValidators.get(type) : undefined;
  return candidates !== undefined && candidates.some((validate) => validate(value));
}
const validateHookReply = ajv.compile<HookReply>(HookReplySchema);
const validatePanel = ajv.compile<Panel>(PanelContent);
const argValidators = new Map<ApiMethod, ValidateFunction>(
  (Object.keys(API_METHODS) as ApiMethod[]).map((m) => [m, ajv.compile(API_METHODS[m].args)]),
);

export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

/** A refused envelope; `callId` is set when it was a call whose id could be read, so the caller can still be answered. */
export type CheckedHostMessage = { ok: true; value: HostMessage } | { ok: false; reason: string; callId?: number };

function readableCallId(parsed: unknown): number | undefined {
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { t, id } = parsed as { t?: unknown; id?: unknown };
  return t === 'call' && Number.isSafeInteger(id) && (id as number) > 0 ? (id as number) : undefined;
}

/** Walks parsed JSON and refuses anything deeper, wider or longer than the limits. */
export function checkBounds(value: unknown): string | null {
  let nodes = 0;
  const stack: { v: unknown; depth: number }[] = [{ v: value, depth: 0 }];
  while (stack.length > 0) {
    const { v, depth } = stack.pop()!;
    nodes += 1;
    if (nodes > ENVELOPE_LIMITS.maxNodes) return `more than ${ENVELOPE_LIMITS.maxNodes} values`;
    if (depth > ENVELOPE_LIMITS.maxDepth) return `nested deeper than ${ENVELOPE_LIMITS.maxDepth} levels`;
    if (typeof v === 'string' && v.length > ENVELOPE_LIMITS.maxStringLength) return `a string longer than ${ENVELOPE_LIMITS.maxStringLength} characters`;
    if (v !== null && typeof v === 'object') {
      for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push({ v: child, depth: depth + 1 });
    }
  }
  return null;
}

/** Parses and checks one raw message from a plugin process. */
export function checkHostMessage(raw: unknown): CheckedHostMessage {
  if (typeof raw !== 'string') return { ok: false, reason: `expected JSON text, got ${raw === null ? 'null' : typeof raw}` };
  if (raw.length > ENVELOPE_LIMITS.maxBytes) return { ok: false, reason: `${raw.length} characters, more than the ${ENVELOPE_LIMITS.maxBytes} allowed` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { ok: false, reason: 'not valid JSON' };
  }
  const callId = readableCallId(parsed);
  const tooBig = checkBounds(parsed);
  if (tooBig) return { ok: false, reason: tooBig, ...(callId ? { callId } : {}) };
  if (!isEnvelope(parsed)) return { ok: false, reason: 'not a protocol envelope (unknown type or fields)', ...(callId ? { callId } : {}) };
  return { ok: true, value: parsed };
}

export function isApiMethod(name: string): name is ApiMethod {
  return Object.hasOwn(API_METHODS, name);
}

export function checkCallArgs(method: ApiMethod, args: unknown): string | null {
  const validate = argValidators.get(method)!;
  return validate(args) ? null : `invalid arguments for ${method}: ${describeSchemaErrors(validate.errors).join('; ')}`;
}

export function checkHookReply(value: unknown): Checked<HookReply> {
  return validateHookReply(value) ? { ok: true, value } : { ok: false, reason: 'a hook answered with something other than passthrough, modify or block' };
}

/** Where a blocks panel first goes wrong, so an author sees which block and field to fix. */
function firstProblem(): string {
  const error = validatePanel.errors?.find((e) => e.instancePath.startsWith('/blocks/'));
  return error ? `${error.instancePath} ${error.message ?? ''}`.trim() : '';
}

export function checkPanel(value: unknown): Checked<Panel> {
  if (validatePanel(value)) return { ok: true, value };
  const type = (value as { type?: unknown } | null)?.type;
  if (typeof type !== 'string' || !['markdown', 'table', 'diff', 'sparkline', 'blocks'].includes(type)) {
    return { ok: false, reason: 'A panel is {type: "markdown" | "table" | "diff" | "sparkline" | "blocks", ...}' };
  }
  const hints: Record<string, string> = {
    markdown: '{type: "markdown", markdown: string (at most 64 KB), title?}',
    table: '{type: "table", columns: string[] (1-20), rows: cell[][] (at most 500 rows of strings, numbers, booleans or null), title?}',
    diff: '{type: "diff", diff: string (unified diff, at most 256 KB), title?}',
    sparkline: '{type: "sparkline", values: number[] (at most 1000), label?, title?}',
    blocks:
      '{type: "blocks", title?, blocks: [...]} where each block is a markdown, table, diff or sparkline panel, ' +
      '{type: "form", id, fields: [{key, type: text|number|select|checkbox|textarea, label, value?, options?}], submitLabel?}, ' +
      '{type: "actions", id, buttons: [{id, label, tone?}]} or {type: "list", id, items: [{id, title, subtitle?, badge?, actions?}], empty?}' +
      (firstProblem() ? ` (${firstProblem()})` : ''),
  };
  return { ok: false, reason: `A ${type} panel must look like ${hints[type]}` };
}
