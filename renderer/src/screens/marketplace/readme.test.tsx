import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';

// PanelStatic's links go through the window's API, which nothing here calls; it only has to exist at import.
vi.hoisted(() => Object.assign(globalThis, { window: { switchboard: {} } }));
const { MarkdownPanel } = await import('../plugins/PanelStatic.tsx');

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
});
