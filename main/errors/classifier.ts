import type { ErrorCategory } from '../../app/contract/agents.ts';

export interface ErrorClass {
  category: ErrorCategory;
  retryable: boolean;
  /** What the agent or API asked us to wait, when it said so. */
  retryAfterMs?: number;
}

/** How each retryable category backs off: base × 2^attempt, capped. */
export const BACKOFF: Record<'rate_limit' | 'overloaded' | 'network', { baseMs: number; maxMs: number }> = {
  rate_limit: { baseMs: 2_000, maxMs: 60_000 },
  overloaded: { baseMs: 10_000, maxMs: 120_000 },
  network: { baseMs: 1_000, maxMs: 30_000 },
};

/** Attempts in all, the first one included. */
export const MAX_ATTEMPTS = 4;

const has = (text: string, ...patterns: RegExp[]) => patterns.some((p) => p.test(text));

/** An HTTP status the text mentions as such ("API Error: 429", "status: 429", "429 Too Many Requests"). */
function statusIn(text: string): number | undefined {
  const match =
    /\b(?:api error|status(?: code)?|http(?:\/\d(?:\.\d)?)?|unexpected status|error|request rejected)[:\s(]*([45]\d\d)\b/i.exec(text) ?? /\b([45]\d\d) (?:too many requests|unauthorized|forbidden|service unavailable|bad gateway)\b/i.exec(text);
  return match ? Number(match[1]) : undefined;
}

function retryHint(text: string): number | undefined {
  const seconds = /(?:try again in|retry(?:ing)? in|retry-after:?)\s*([\d.]+)\s*(ms|s|sec|seconds?)?/i.exec(text);
  if (!seconds) return undefined;
  const value = Number(seconds[1]);
  if (!Number.isFinite(value)) return undefined;
  return Math.round(seconds[2]?.toLowerCase() === 'ms' ? value : value * 1000);
}

/**
 * Sorts an agent failure into a category: by the HTTP status the agent
 * reported when it gives one (Claude Code's `api_error_status`), else from
 * its text, the way Claude Code and Codex CLI print them ("Request rejected
 * (429)"). Quota comes before rate limits: OpenAI reports an empty balance as
 * HTTP 429 too.
 */
export function classifyError(text: string, reportedStatus?: number | null): ErrorClass {
  const status = reportedStatus ?? statusIn(text);
  const hint = retryHint(text);
  const withHint = (c: ErrorClass): ErrorClass => (hint !== undefined && c.retryable ? { ...c, retryAfterMs: hint } : c);

  if (has(text, /insufficient_quota/i, /quota (?:exceeded|has been exceeded)|exceeded your current quota/i, /billing/i, /credit balance is too low/i, /usage limit reached/i, /payment required/i) || status === 402) {
    return { category: 'quota', retryable: false };
  }
  if (status === 401 || status === 403 || has(text, /invalid (?:x-)?api[ -_]?key/i, /incorrect api key/i, /authentication_error/i, /unauthori[sz]ed/i, /permission_error/i, /oauth token (?:has )?expired/i, /please run \/login/i, /organization has been disabled/i, /missing (?:an )?api key|api key (?:is )?(?:missing|not set)/i)) {
    return { category: 'auth', retryable: false };
  }
  if (status === 529 || status === 503 || has(text, /overloaded/i, /service unavailable/i, /server is busy|capacity/i)) {
    return withHint({ category: 'overloaded', retryable: true });
  }
  if (status === 429 || has(text, /rate[ _-]?limit/i, /too many requests/i)) {
    return withHint({ category: 'rate_limit', retryable: true });
  }
  if (has(text, /ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|ENETUNREACH|EHOSTUNREACH|EPIPE/, /socket hang up/i, /connection (?:error|refused|reset|closed)/i, /timed? ?out/i, /getaddrinfo/i, /dns/i, /stream disconnected/i, /error sending request/i, /network (?:error|is unreachable)/i, /fetch failed/i)) {
    return withHint({ category: 'network', retryable: true });
  }
  return { category: 'unknown', retryable: false };
}

/** How long to wait before attempt `attempt + 1` (attempt counts from 1). */
export function backoffMs(error: ErrorClass, attempt: number): number {
  if (!error.retryable || !(error.category in BACKOFF)) return 0;
  const policy = BACKOFF[error.category as keyof typeof BACKOFF];
  const computed = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return error.retryAfterMs !== undefined ? Math.min(policy.maxMs, Math.max(error.retryAfterMs, 0)) : computed;
}

const firstLine = (text: string) => {
  const line = text.split('\n').find((l) => l.trim()) ?? '';
  return line.length > 200 ? `${line.slice(0, 199)}…` : line.trim();
};

/** What the user reads about a failure; `retryInMs` when a retry is coming. */
export function userMessage(error: ErrorClass, rawText: string, retryInMs?: number): string {
  const seconds = retryInMs === undefined ? undefined : Math.max(1, Math.round(retryInMs / 1000));
  switch (error.category) {
    case 'rate_limit':
      return seconds !== undefined ? `Rate limited — retrying in ${seconds}s` : 'Rate limited — gave up after several attempts';
    case 'overloaded':
      return seconds !== undefined ? `The model is overloaded — retrying in ${seconds}s` : 'The model is overloaded — gave up after several attempts';
    case 'network':
      return seconds !== undefined ? `Network error — retrying in ${seconds}s` : `Network error — the agent could not reach its API (${firstLine(rawText)})`;
    case 'auth':
      return 'Authentication failed — check API key';
    case 'quota':
      return 'Quota exceeded — check your plan and billing';
    case 'missing_cli':
      return firstLine(rawText) || 'The agent program was not found';
    case 'permission_denied':
      return firstLine(rawText) || 'The agent was not allowed to use some tools';
    default:
      return `The agent failed: ${firstLine(rawText) || 'no error text'}`;
  }
}
