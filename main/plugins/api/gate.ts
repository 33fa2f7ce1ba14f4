import { AppError } from '../../../app/contract/envelope.ts';
import { permissionDeniedMessage, requiredGrants, type ApiMethod, type RequiredGrant } from '../../../app/plugin-protocol.ts';
import type { AuditLog } from '../../audit/audit.ts';
import type { Logger } from '../../log/logger.ts';
import { checkCallArgs, isApiMethod } from '../envelope.ts';
import { PluginStoreError } from '../store.ts';
import type { ApiContext, ApiTable } from './context.ts';

/** A denial or protocol violation of the same kind is audited once per this window, so a loop cannot flood the log. */
const AUDIT_REPEAT_MS = 60_000;

export type CallResult = { ok: true; value: unknown } | { ok: false; error: string };

export interface GateOptions {
  table: ApiTable;
  audit: Pick<AuditLog, 'append'>;
  /** The app's log, for failures inside main that the plugin is not told the details of. */
  log: Pick<Logger, 'error'>;
  now: () => number;
  /** API calls one plugin may make per second before main refuses them. */
  callsPerSecond: number;
}

/** Why the gate refused a call, before the refusal is audited. */
type Refusal =
  | { kind: 'violation'; reason: string; message: string }
  | { kind: 'denied'; need: RequiredGrant; message: string };

/**
 * The one way into the API table. Every call from a plugin process passes,
 * in this order: the rate limit (cheapest, so a flood costs no schema check),
 * the schema of its method, every grant the call needs, and the audit of a
 * refusal. Only a call that passed reaches its capability module, which
 * audits the effects it performs (a task created); the gate audits every
 * refusal.
 */
export class ApiGate {
  readonly #o: GateOptions;

  constructor(options: GateOptions) {
    this.#o = options;
  }

  async call(ctx: ApiContext, method: string, args: unknown): Promise<CallResult> {
    const limited = this.#rateLimit(ctx);
    if (limited) return { ok: false, error: limited };
    const refusal = this.#schema(method, args) ?? this.#grants(ctx, method as ApiMethod, args);
    if (refusal) {
      this.#audit(ctx, refusal);
      return { ok: false, error: refusal.message };
    }
    return this.#perform(ctx, method as ApiMethod, args);
  }

  /** A message from the plugin process that broke the protocol before it was even a call. */
  violation(ctx: ApiContext, reason: string): void {
    this.#audit(ctx, { kind: 'violation', reason, message: reason });
  }

  #rateLimit(ctx: ApiContext): string | null {
    const now = this.#o.now();
    const limits = ctx.limits;
    if (now - limits.calls.windowStart >= 1000) limits.calls = { windowStart: now, count: 0, warned: false };
    limits.calls.count += 1;
    if (limits.calls.count <= this.#o.callsPerSecond) return null;
    const message = `Too many requests: at most ${this.#o.callsPerSecond} API calls a second`;
    if (!limits.calls.warned) {
      limits.calls.warned = true;
      ctx.log('warn', `${message}; refusing the rest of this second`);
    }
    return message;
  }

  #schema(method: string, args: unknown): Refusal | null {
    if (!isApiMethod(method)) {
      const name = method.slice(0, 50);
      return { kind: 'violation', reason: `unknown API method "${name}"`, message: `There is no API method "${name}"` };
    }
    const problem = checkCallArgs(method, args);
    return problem ? { kind: 'violation', reason: problem, message: problem } : null;
  }

  #grants(ctx: ApiContext, method: ApiMethod, args: unknown): Refusal | null {
    const need = requiredGrants(method, args as never).find((n) => !ctx.granted(n.permission));
    return need ? { kind: 'denied', need, message: permissionDeniedMessage(need.permission, ctx.pluginId) } : null;
  }

  /** Logs the refusal on the plugin's page and audits it, once per kind and window so a loop cannot flood the audit log. */
  #audit(ctx: ApiContext, refusal: Refusal): void {
    if (refusal.kind === 'violation') {
      ctx.log('error', `Refused a malformed message from the plugin process: ${refusal.reason}`);
      this.#auditOnce(ctx, `violation:${refusal.reason}`, 'plugin_protocol_violation', { reason: refusal.reason }, ctx.pluginId);
      return;
    }
    const { permission, call } = refusal.need;
    ctx.log('warn', `${refusal.message} (${call})`);
    this.#auditOnce(ctx, `denied:${permission}:${call}`, 'permission_denied', { permission, method: call }, permission);
  }

  #auditOnce(ctx: ApiContext, key: string, eventType: string, detail: Record<string, unknown>, subject: string): void {
    const now = this.#o.now();
    const last = ctx.limits.audited.get(key);
    if (last !== undefined && now - last < AUDIT_REPEAT_MS) return;
    ctx.limits.audited.set(key, now);
    this.#o.audit.append(eventType, ctx.actor, subject, detail);
  }

  async #perform(ctx: ApiContext, method: ApiMethod, args: unknown): Promise<CallResult> {
    try {
      return { ok: true, value: (await this.#o.table[method](ctx, args as never)) ?? null };
    } catch (err) {
      if (err instanceof AppError || err instanceof PluginStoreError) return { ok: false, error: err.message };
      this.#o.log.error(`plugin ${ctx.pluginId}: ${method} failed`, err);
      return { ok: false, error: `${method} failed inside Switchboard; details are in the app log` };
    }
  }
}
