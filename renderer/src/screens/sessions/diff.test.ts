import { describe, expect, it } from 'vitest';
import { languageOfFile, toolDiff } from './diff.ts';

describe('an edit as a diff', () => {
  it('names the highlight language by the file extension, none without one', () => {
    expect(languageOfFile('/home/dev/shop/src/Checkout.TS')).toBe('ts');
    expect(languageOfFile('scripts/build.py')).toBe('py');
    expect(languageOfFile('/repo/Makefile')).toBeUndefined();
    expect(languageOfFile('/repo/.env')).toBeUndefined();
  });

  it('turns an Edit into a hunk of removed and added lines', () => {
    const diff = toolDiff('Edit', { file_path: 'a.ts', old_string: 'let a = 1;', new_string: 'let a = 2;' });
    expect(diff?.lines.map((l) => `${l.kind}:${l.text}`)).toEqual(['hunk:@@ -1,1 +1,1 @@', 'remove:let a = 1;', 'add:let a = 2;']);
  });
});
