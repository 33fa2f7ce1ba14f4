/**
 * What every transport carries back for a call: a value or a typed error.
 * Handlers never throw across a process boundary; the dispatcher in main turns
 * every failure into one of these codes so the renderer can react to it.
 */
export const ERROR_CODES = [
  'invalid_argument',
  'unknown_channel',
  'not_found',
  'conflict',
  'keyring_unavailable',
  'database_unavailable',
  'permission_denied',
  'network',
  /** Content from outside (a catalog, an archive, a manifest) failed a safety check; nothing was changed. */
  'refused',
  'cancelled',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface WireError {
  code: ErrorCode;
  message: string;
  /**
   * With `invalid_argument`: the plain-words message for each refused field,
   * keyed by its path in the argument ("name", "values.maxItems"; see
   * app/contract/fields.ts). Forms show these on the field itself.
   */
  fields?: Record<string, string>;
}

export type Envelope<T> = { ok: true; value: T } | { ok: false; error: WireError };

/** An error with a code, thrown by services in main and rebuilt by clients. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly fields: Record<string, string> | undefined;
  constructor(code: ErrorCode, message: string, fields?: Record<string, string>) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.fields = fields;
  }
}

/** A refused value of one field, in the words the field shows: `fieldError('name', 'Give the source a name')`. */
export function fieldError(field: string, message: string): AppError {
  return new AppError('invalid_argument', message, { [field]: message });
}
