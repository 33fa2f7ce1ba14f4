// Writes schemas/agor.d.ts, the type declarations of the whole `agor`/`bt`
// API, from the contract: every method of API_METHODS (app/plugin-protocol.ts)
// with its argument types converted from the schema main checks calls
// against. A plugin whose script starts with `// @ts-check` and references
// the file gets completion and type errors in the editor. A test keeps the
// file current; regenerate with:  npm exec -- node scripts/plugin-types.ts --write
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HOOK_STAGES, MESSAGE_ROLES, MESSAGE_TYPES } from '../app/messages.ts';
import { PERMISSIONS } from '../app/permissions.ts';
import { API_METHODS, type ApiMethod } from '../app/plugin-protocol.ts';

export const TYPES_FILE = join(import.meta.dirname, '..', 'schemas', 'agor.d.ts');

interface Schema {
  type?: string;
  const?: unknown;
  anyOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  patternProperties?: Record<string, Schema>;
  description?: string;
}

/** A TypeBox schema as a TypeScript type. */
export function schemaToTs(schema: Schema): string {
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.anyOf) return schema.anyOf.map(schemaToTs).join(' | ');
  switch (schema.type) {
    case 'string':
      return 'string';
    case 'number':
    case 'integer':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array':
      return `${wrap(schemaToTs(schema.items ?? {}))}[]`;
    case 'object': {
      if (schema.patternProperties) return `Record<string, ${schemaToTs(Object.values(schema.patternProperties)[0] ?? {})}>`;
      const required = new Set(schema.required ?? []);
      const fields = Object.entries(schema.properties ?? {}).map(([k, v]) => `${k}${required.has(k) ? '' : '?'}: ${schemaToTs(v)}`);
      return fields.length ? `{ ${fields.join('; ')} }` : '{}';
    }
    default:
      return 'unknown';
  }
}

const wrap = (t: string) => (t.includes(' | ') ? `(${t})` : t);

/** How each method is called from a script: by its arguments in order, or with one object (`{}`). Handlers are declared apart. */
const POSITIONAL: Partial<Record<ApiMethod, string[]>> = {
  'events.emit': ['name', 'payload'],
  'notifications.send': ['title', 'body?'],
  'tasks.create': ['title', 'description?'],
  'tasks.updateStatus': ['id', 'status'],
  'settings.get': ['key'],
  'settings.set': ['key', 'value'],
  'storage.get': ['key'],
  'storage.set': ['key', 'value'],
  'storage.delete': ['key'],
  'ui.setPanel': ['panel'],
  'net.allowHost': ['host', 'reason'],
  'files.append': ['name', 'text'],
  'files.read': ['name'],
  'files.remove': ['name'],
  'projects.scratchCopy': ['projectId'],
  'projects.scratchDiff': ['projectId'],
  'sessions.get': ['id'],
  'audit.record': ['type', 'subject', 'detail?'],
  'permissions.request': ['name', 'reason'],
};

/** Methods whose script function takes a handler, written by hand; every other method is generated. */
const HANDWRITTEN: Partial<Record<ApiMethod, string>> = {
  'palette.registerCommand': 'registerCommand(label: string, handler: (argument: string) => unknown): Promise<void>;',
  'events.on': "on(name: 'unload' | (string & {}), handler: (payload: unknown, event: { name: string; from: string | null }) => unknown): Promise<void>;",
  'messages.subscribe': 'onMessage(handler: (message: AgentMessage) => unknown): Promise<void>;',
  'settings.subscribe': 'onChange(handler: (values: Readonly<Record<string, unknown>>) => unknown): Promise<void>;',
  'hooks.register': 'register(stage: HookStage, handler: (call: HookCall) => HookAnswer | Promise<HookAnswer>, options?: { priority?: number; timeoutMs?: number }): Promise<void>;',
  'ui.setStatus': 'setStatus(text: string | null, options?: { tooltip?: string }): Promise<void>;',
  'net.fetch': 'fetch(url: string, init?: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number }): Promise<{ status: number; headers: Record<string, string>; body: string }>;',
  'sessions.messages': 'messages(id: string, page?: { afterSeq?: number; limit?: number }): Promise<unknown>;',
};

function member(method: ApiMethod): string {
  const hand = HANDWRITTEN[method];
  if (hand) return hand;
  const name = method.split('.')[1]!;
  const args = API_METHODS[method].args as unknown as Schema;
  const props = args.properties ?? {};
  const required = new Set(args.required ?? []);
  const positional = POSITIONAL[method];
  let params: string;
  if (positional) params = positional.map((p) => { const key = p.replace('?', ''); return `${key}${p.endsWith('?') ? '?' : ''}: ${schemaToTs(props[key] ?? {})}`; }).join(', ');
  else if (Object.keys(props).length === 0) params = '';
  else params = `request${[...required].length ? '' : '?'}: ${schemaToTs(args)}`;
  const permission = API_METHODS[method].permission;
  return `/** ${permission ? `Needs the '${permission}' permission.` : 'Needs no permission.'} */\n    ${name}(${params}): Promise<unknown>;`;
}

export function agorTypes(): string {
  const areas = new Map<string, string[]>();
  for (const method of Object.keys(API_METHODS) as ApiMethod[]) {
    const area = method.split('.')[0]!;
    areas.set(area, [...(areas.get(area) ?? []), member(method)]);
  }
  areas.set('ui', [...(areas.get('ui') ?? []), 'onAction(blockId: string, handler: (values: Readonly<Record<string, string | number | boolean>>, actionId: string | null) => unknown): void;']);
  const namespaces = [...areas].map(([area, members]) => `  ${area}: {\n    ${members.join('\n    ')}\n  };`).join('\n');
  const lit = (values: readonly string[]) => values.map((v) => JSON.stringify(v)).join(' | ');
  return `// Generated by scripts/plugin-types.ts from app/plugin-protocol.ts; do not edit.
// Reference it from a plugin script:  /// <reference path=".../schemas/agor.d.ts" />

type Permission = ${lit(PERMISSIONS)};
type HookStage = ${lit(HOOK_STAGES)};

/** One agent message, deep-frozen. The common tool arguments are on tool_call as well as on tool_call.input. */
interface AgentMessage {
  readonly id: string;
  readonly sessionId: string;
  readonly projectId: string | null;
  readonly provider: string;
  readonly timestamp: string;
  readonly type: ${lit(MESSAGE_TYPES)};
  readonly role: ${lit(MESSAGE_ROLES)};
  readonly content: string;
  readonly tool_call?: {
    readonly id: string;
    readonly name: string;
    readonly input: unknown;
    readonly file_path?: string;
    readonly path?: string;
    readonly command?: string;
    readonly content?: string;
    readonly new_string?: string;
    readonly old_string?: string;
    readonly pattern?: string;
    readonly url?: string;
  };
  readonly tool_result?: { readonly tool_call_id: string; readonly content: string; readonly is_error: boolean };
  readonly usage?: { readonly input_tokens?: number; readonly output_tokens?: number; readonly cache_creation_input_tokens?: number; readonly cache_read_input_tokens?: number };
  readonly cost_usd?: number;
  readonly error?: string;
}

interface HookCall {
  readonly stage: HookStage;
  readonly body: string;
  /** Shared by the hooks of one chain; a pre_tool hook finds the tool's name and input here. */
  metadata: Record<string, unknown>;
}

/** Nothing: pass through. A string: the new body. Or an object. */
type HookAnswer = void | undefined | null | string | { action: 'passthrough' } | { action: 'modify'; body: string } | { action: 'block'; status?: number; errorType?: string; message?: string };

interface AgorApi {
  readonly meta: { readonly id: string; readonly name: string; readonly version: string };
${namespaces}
}

/** The whole API of a plugin. */
declare const agor: Readonly<AgorApi>;

/** The rest of a plugin's globals besides the standard built-ins (no DOM, no Node): the scaffold's jsconfig.json leaves the DOM library out. */
declare const console: Readonly<Record<'log' | 'info' | 'debug' | 'warn' | 'error', (...values: unknown[]) => void>>;
declare function setTimeout(callback: (...args: unknown[]) => unknown, ms?: number, ...args: unknown[]): number;
declare function setInterval(callback: (...args: unknown[]) => unknown, ms?: number, ...args: unknown[]): number;
declare function clearTimeout(id: number | undefined): void;
declare function clearInterval(id: number | undefined): void;

/** The short alias older plugins use. */
declare const bt: Readonly<{
  meta: AgorApi['meta'];
  registerCommand: AgorApi['palette']['registerCommand'];
  on: AgorApi['events']['on'];
  emit: AgorApi['events']['emit'];
  notify(message: string): Promise<void>;
  onMessage: AgorApi['messages']['onMessage'];
  tasks: AgorApi['tasks'];
  getSetting: AgorApi['settings']['get'];
  setSetting: AgorApi['settings']['set'];
  storage: AgorApi['storage'];
  setPanel: AgorApi['ui']['setPanel'];
  registerHook: AgorApi['hooks']['register'];
}>;
`;
}

if (process.argv[1] === import.meta.filename && process.argv.includes('--write')) {
  writeFileSync(TYPES_FILE, agorTypes());
  process.stdout.write(`wrote ${TYPES_FILE}\n`);
}
