import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';

// PanelStatic's links go through the window's API, which nothing here calls; it only has to exist at import.
vi.hoisted(() => Object.assign(globalThis, { window: { switchboard: {} } }));
const { DiffPanel, MarkdownPanel } = await import('../plugins/PanelStatic.tsx');

/** The detail view draws a catalog entry's README and changelog with the plugin panels' Markdown. */
const html = (markdown: string) => renderToStaticMarkup(<MarkdownPanel markdown={markdown} />);

describe('a plugin README in the marketplace detail view', () => {
  it('renders its Markdown headings and lists', () => {
    const out = html('# Session Stats\n\n## Settings\n\n- **Decimals** of the cost');
    expect(out).toContain('<h1>Session Stats</h1>');
    expect(out).toContain('<h2>Settings</h2>');
    expect(out).toContain('<li><strong>Decimals</strong> of the cost</li>');
  });

  it('drops raw HTML from a hostile README and keeps only http(s) links', () => {
    const out = html('Hi <script>alert(1)</script> <img src=x onerror="alert(2)">\n\n<iframe src="https://evil.test"></iframe>\n\n[a](javascript:alert(3)) [b](https://example.test/)');
    expect(out).not.toMatch(/<script|<img|<iframe|onerror|javascript:/);
    expect(out).toContain('Hi');
    expect(out).toContain('href="https://example.test/"');
  });

  it('highlights a README code block by its language', () => {
    expect(html('```js\nexport function main() {}\n```')).toContain('<span class="hljs-keyword">export</span>');
  });

  it('draws a hidden right-to-left override in README text visibly', () => {
    const out = html('Install \u202Efdp.exe');
    expect(out).toContain('[U+202E]');
    expect(out).not.toContain('\u202E');
  });

  it('renders a javascript: link as plain text, not a link', () => {
    const out = html('[click me](javascript:alert(1))');
    expect(out).toContain('<span>click me</span>');
    expect(out).not.toContain('<a');
  });
});

describe('a plugin diff block', () => {
  const diffHtml = (diff: string, language?: string) => renderToStaticMarkup(<DiffPanel diff={diff} language={language} />);
  const diff = '--- a/x.ts\n+++ b/x.ts\n@@ -10,2 +10,2 @@\n const a = 1;\n-let b = "old";\n+let b = "new";\n';

  it('highlights the code by its language and keeps added and removed lines coloured', () => {
    const out = diffHtml(diff, 'typescript');
    expect(out).toMatch(/<span class="diff-line diff-del">.*<span class="hljs-keyword">let<\/span> b = <span class="hljs-string">&quot;old&quot;<\/span>/);
    expect(out).toMatch(/<span class="diff-line diff-add">.*<span class="hljs-string">&quot;new&quot;<\/span>/);
  });

  it('numbers lines from the hunk header: old numbers on removed lines, new on added', () => {
    const out = diffHtml(diff, 'typescript');
    expect(out).toMatch(/diff-ctx"><span class="diff-no" aria-hidden="true">10<\/span><span class="diff-no" aria-hidden="true">10<\/span>/);
    expect(out).toMatch(/diff-del"><span class="diff-no" aria-hidden="true">11<\/span><span class="diff-no" aria-hidden="true"><\/span>/);
    expect(out).toMatch(/diff-add"><span class="diff-no" aria-hidden="true"><\/span><span class="diff-no" aria-hidden="true">11<\/span>/);
  });

  it('shows the code plain without a language, and hidden controls visibly', () => {
    const out = diffHtml('@@ -1 +1 @@\n-a\n+const \u202Ex = 1;\n');
    expect(out).not.toContain('hljs-');
    expect(out).toContain('const [U+202E]x = 1;');
  });
});
