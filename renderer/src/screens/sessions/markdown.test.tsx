import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { safeUrl } from '../../ui/SafeMarkdown.tsx';
import { MarkdownText } from './Markdown.tsx';

const html = (text: string) => renderToStaticMarkup(<MarkdownText text={text} openLink={() => undefined} />);

describe('an agent reply as Markdown', () => {
  it('renders GitHub-flavoured Markdown: headings, lists, code blocks, tables, task lists, strikethrough', () => {
    const out = html('## Plan\n\n- read `checkout.ts`\n- [x] done\n\n```ts\nconst a = 1;\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~');
    expect(out).toContain('<h2>Plan</h2>');
    expect(out).toContain('<code>checkout.ts</code>');
    expect(out).toMatch(/<pre><code class="hljs language-ts"><span class="hljs-keyword">const<\/span> a = <span class="hljs-number">1<\/span>;\n<\/code><\/pre>/);
    expect(out).toContain('<td>2</td>');
    expect(out).toContain('type="checkbox"');
    expect(out).toContain('<del>old</del>');
  });

  it('drops raw HTML instead of rendering it', () => {
    const out = html('before <img src=x onerror="alert(1)"> <script>alert(2)</script> after\n\n<iframe src="https://evil.test"></iframe>');
    expect(out).not.toMatch(/<img|<script|<iframe|onerror/);
    expect(out).toContain('before');
    expect(out).toContain('after');
  });

  it('keeps only http(s) links; javascript:, file: and relative links lose their address', () => {
    const out = html('[ok](https://example.test/a) [bad](javascript:alert(1)) [file](file:///etc/passwd) [rel](../x)');
    expect(out).toContain('href="https://example.test/a"');
    expect(out).not.toMatch(/javascript:|file:|\.\.\/x/);
    expect(out).toContain('<span>bad</span>');
    expect(safeUrl('http://127.0.0.1:8080/x')).toBe('http://127.0.0.1:8080/x');
    expect(safeUrl('data:text/html,hi')).toBe('');
  });

  it('never loads an image: it is named as text', () => {
    const out = html('![diagram](https://tracker.test/pixel.png)');
    expect(out).not.toContain('<img');
    expect(out).toContain('[image: diagram — https://tracker.test/pixel.png]');
  });

  it('draws hidden bidirectional controls visibly', () => {
    expect(html('pay \u202Eevil')).toContain('[U+202E]');
  });

  it('highlights code blocks only in a named language, never guessing one', () => {
    expect(html('```python\ndef f():\n    return "x"\n```')).toContain('<span class="hljs-keyword">def</span>');
    const unnamed = html('```\nconst a = 1;\n```');
    expect(unnamed).toContain('<pre><code>const a = 1;\n</code></pre>');
    expect(html('```klingon\nqapla\n```')).toContain('<code class="hljs language-klingon">qapla\n</code>');
  });

  it('shows a huge code block plain instead of highlighting it', () => {
    const huge = 'const a = 1;\n'.repeat(2000);
    const out = html(`\`\`\`ts\n${huge}\`\`\``);
    expect(out).toContain('const a = 1;');
    expect(out).not.toContain('hljs-keyword');
  });

  it('draws hidden controls visibly inside code blocks too', () => {
    expect(html('```ts\nconst ok = "\u202Egnp.exe";\n```')).toContain('[U+202E]');
  });
});
