import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { AppError, channels, type ArgsOf, type Channel, type Envelope, type ResultOf } from '../../app/contract/index.ts';
import type { Logger } from '../log/logger.ts';

export type Handler<C extends Channel> = (args: ArgsOf<C>) => Promise<ResultOf<C>> | ResultOf<C>;
export type HandlerTable = { [C in Channel]: Handler<C> };

export type Dispatch = (channel: string, args: unknown) => Promise<Envelope<unknown>>;

const MAX_ERRORS_SHOWN = 3;

function isChannel(name: string): name is Channel {
  return Object.hasOwn(channels, name);
}

/**
 * The one entry point for calls from any window. It trusts nothing: the
 * channel must exist, the argument must match the channel's schema, and any
 * failure comes back as a typed error instead of an exception.
 */
export function createDispatcher(resolveHandlers: () => HandlerTable, log: Logger): Dispatch {
  const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
  const validators = new Map<Channel, ValidateFunction>();
  for (const name of Object.keys(channels) as Channel[]) {
    validators.set(name, ajv.compile(channels[name].args));
  }

  return async (channel, args) => {
    if (typeof channel !== 'string' || !isChannel(channel)) {
      return { ok: false, error: { code: 'unknown_channel', message: `Unknown channel: ${String(channel).slice(0, 80)}` } };
    }
    const validate = validators.get(channel)!;
    const value = args === undefined ? {} : args;
    if (!validate(value)) {
      return { ok: false, error: { code: 'invalid_argument', message: `Invalid argument for ${channel}: ${describeProblems(validate.errors ?? [])}` } };
    }
    try {
      const handler = resolveHandlers()[channel] as (a: unknown) => unknown;
      return { ok: true, value: await handler(value) };
    } catch (err) {
      if (err instanceof AppError) return { ok: false, error: { code: err.code, message: err.message } };
      log.error(`handler ${channel} failed`, err);
      return { ok: false, error: { code: 'internal', message: `Something went wrong in ${channel}. Details are in the log.` } };
    }
  };
}

/**
 * One sentence per bad field. A schema may carry an `errorMessage` in plain
 * words (see app/contract/settings.ts); otherwise the validator's own text
 * names the field.
 */
function describeProblems(errors: ErrorObject[]): string {
  const byField = new Map<string, ErrorObject[]>();
  for (const e of errors) {
    const field = e.keyword === 'additionalProperties' ? `${e.instancePath}/${String(e.params.additionalProperty)}` : e.instancePath;
    byField.set(field, [...(byField.get(field) ?? []), e]);
  }
  const sentences = [...byField.values()].map((group) => {
    const worded = group.map((e) => (e.parentSchema as { errorMessage?: unknown } | undefined)?.errorMessage).find((m) => typeof m === 'string');
    if (worded) return worded as string;
    const e = group[0]!;
    if (e.keyword === 'additionalProperties') return `"${String(e.params.additionalProperty)}" is not accepted`;
    return `${e.instancePath.replace(/^\//, '').replaceAll('/', '.') || 'argument'} ${e.message ?? 'is invalid'}`;
  });
  return sentences.slice(0, MAX_ERRORS_SHOWN).join('; ');
}
