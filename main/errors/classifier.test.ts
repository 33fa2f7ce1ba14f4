import { describe, expect, it } from 'vitest';
import { backoffMs, classifyError, userMessage } from './classifier.ts';

/** Error texts as Claude Code and Codex CLI print them (API bodies abridged, wording kept). */
const CASES: [string, string, boolean][] = [
  ['API Error: 429 {"type":"error","error":{"type":"rate_limit_error","message":"This request would exceed the rate limit for your organization of 40,000 input tokens per minute."}}', 'rate_limit', true],
  ['stream error: exceeded retry limit, last status: 429 Too Many Requests', 'rate_limit', true],
  ['Rate limit reached for gpt-4.1 in organization org-abc on tokens per min (TPM): Limit 30000, Used 29000, Requested 2000. Please try again in 2.5s.', 'rate_limit', true],
  ['Error: rate limit exceeded', 'rate_limit', true],
  ['API Error: 529 {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}', 'overloaded', true],
  ['unexpected status 503 Service Unavailable: upstream connect error', 'overloaded', true],
  ['The model is overloaded. Please try again later.', 'overloaded', true],
  ['API Error: 401 {"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}', 'auth', false],
  ['Invalid API key · Please run /login', 'auth', false],
  ['unexpected status 401 Unauthorized: {"error":{"message":"Incorrect API key provided: sk-proj-****1234.","type":"invalid_request_error","code":"invalid_api_key"}}', 'auth', false],
  ['API Error: 403 {"type":"error","error":{"type":"permission_error","message":"Your organization has been disabled."}}', 'auth', false],
  ['API Error: 401 {"type":"error","error":{"type":"authentication_error","message":"OAuth token has expired. Please obtain a new token or refresh your existing token."}}', 'auth', false],
  ['API Error: 400 {"type":"error","error":{"type":"invalid_request_error","message":"Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits."}}', 'quota', false],
  ['unexpected status 429 Too Many Requests: {"error":{"message":"You exceeded your current quota, please check your plan and billing details.","type":"insufficient_quota"}}', 'quota', false],
  ['Claude AI usage limit reached|1747339200', 'quota', false],
  ['Quota exceeded for quota metric', 'quota', false],
  ['API Error: Connection error.', 'network', true],
  ['API Error: Request timed out.', 'network', true],
  ['getaddrinfo ENOTFOUND api.anthropic.com', 'network', true],
  ['connect ECONNREFUSED 127.0.0.1:443', 'network', true],
  ['stream disconnected before completion: error sending request for url (https://api.openai.com/v1/responses)', 'network', true],
  ['read ECONNRESET', 'network', true],
  ['prompt is too long: 215000 tokens > 200000 maximum', 'unknown', false],
  ['The model `gpt-9` does not exist or you do not have access to it.', 'unknown', false],
  ['Error: Reached max turns (5)', 'unknown', false],
  // Claude Code 2.x, once its own retries are spent.
  ['API Error: Request rejected (429) · Number of request tokens has exceeded your per-minute rate limit', 'rate_limit', true],
];

describe('classifyError', () => {
  it.each(CASES)('%s → %s', (text, category, retryable) => {
    const result = classifyError(text);
    expect(result.category).toBe(category);
    expect(result.retryable).toBe(retryable);
  });

  it('goes by the status the agent reported over what its text seems to say', () => {
    // Claude Code's friendly texts do not always name the status; `api_error_status` does.
    expect(classifyError('Invalid API key · Fix external API key', 401).category).toBe('auth');
    expect(classifyError('API Error: 529 Overloaded. This is a server-side issue, usually temporary', 529)).toMatchObject({ category: 'overloaded', retryable: true });
    expect(classifyError('Something went wrong', 429)).toMatchObject({ category: 'rate_limit', retryable: true });
    expect(classifyError('Something went wrong', null).category).toBe('unknown');
  });

  it('takes the wait the API asked for', () => {
    const result = classifyError('Rate limit reached for gpt-4.1. Please try again in 2.5s.');
    expect(result.retryAfterMs).toBe(2500);
    expect(backoffMs(result, 1)).toBe(2500);
  });

  it('backs off exponentially, longer when overloaded, capped', () => {
    const rate = classifyError('API Error: 429 rate_limit_error');
    const overloaded = classifyError('API Error: 529 overloaded_error');
    expect([1, 2, 3].map((a) => backoffMs(rate, a))).toEqual([2000, 4000, 8000]);
    expect(backoffMs(overloaded, 1)).toBeGreaterThan(backoffMs(rate, 1));
    expect(backoffMs(rate, 20)).toBe(60_000);
    expect(backoffMs(classifyError('Invalid API key'), 1)).toBe(0);
  });

  it('says what happened in words the user can act on', () => {
    const rate = classifyError('429 Too Many Requests');
    expect(userMessage(rate, '', 4000)).toBe('Rate limited — retrying in 4s');
    expect(userMessage(classifyError('invalid x-api-key'), '')).toBe('Authentication failed — check API key');
    expect(userMessage(classifyError('insufficient_quota'), '')).toBe('Quota exceeded — check your plan and billing');
    expect(userMessage(classifyError('Segmentation fault\nmore'), 'Segmentation fault\nmore')).toBe('The agent failed: Segmentation fault');
  });
});
