import { describe, expect, it } from 'vitest';
import { formatEnv, parseEnv } from './envText.ts';

describe('an agent’s extra environment as text', () => {
  it('reads NAME=value lines, a keyring: value as a secret, skipping blanks and comments', () => {
    const text = '# gateway\nHTTPS_PROXY=http://127.0.0.1:3128\n\n CLAUDE_CODE_MAX_RETRIES = 3 \nANTHROPIC_CUSTOM_HEADERS=keyring:gateway-headers\nA=b=c';
    const { entries, error } = parseEnv(text);
    expect(error).toBeNull();
    expect(entries).toEqual([
      { name: 'HTTPS_PROXY', value: 'http://127.0.0.1:3128', secret: false },
      { name: 'CLAUDE_CODE_MAX_RETRIES', value: '3', secret: false },
      { name: 'ANTHROPIC_CUSTOM_HEADERS', value: 'gateway-headers', secret: true },
      { name: 'A', value: 'b=c', secret: false },
    ]);
    expect(parseEnv(formatEnv(entries)).entries).toEqual(entries);
  });

  it('names the line that is not NAME=value', () => {
    expect(parseEnv('A=1\njust words')).toEqual({ entries: [], error: 'Line 2 needs the form NAME=value' });
    expect(parseEnv('=value').error).toBe('Line 1 needs the form NAME=value');
  });
});
