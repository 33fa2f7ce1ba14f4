import { Ajv, type ValidateFunction } from 'ajv';
import { fieldMessages, summarizeFields } from '../../app/contract/fields.ts';
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
      const fields = fieldMessages(validate.errors ?? []);
      const shown = Object.fromEntries(Object.entries(fields).slice(0, MAX_ERRORS_SHOWN));
      return { ok: false, error: { code: 'invalid_argument', message: summarizeFields(shown), fields } };
    }
    try {
      const handler = resolveHandlers()[channel] as (a: unknown) => unknown;
      return { ok: true, value: await handler(value) };
    } catch (err) {
      if (err instanceof AppError) return { ok: false, error: { code: err.code, message: err.message, ...(err.fields ? { fields: err.fields } : {}) } };
      log.error(`handler ${channel} failed`, err);
      return { ok: false, error: { code: 'internal', message: `Something went wrong in ${channel}. Details are in the log.` } };
    }
  };
}
