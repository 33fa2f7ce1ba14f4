/* Markdown from strangers (agent replies, plugin panels, READMEs), drawn one safe way everywhere. */
import { useMemo } from 'react';
import Markdown, { type Components, type Options } from 'react-markdown';
import rehypeHighlight from 'rehype-highlight';
import remarkGfm from 'remark-gfm';
import { HIGHLIGHT_OPTIONS, rehypeCapHighlight } from './highlight.tsx';
import { safeString } from './SafeText.tsx';

/** Only web links survive; anything else (javascript:, file:, data:, relative paths) becomes no link at all. */
export function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : '';
  } catch {
    return '';
  }
}

function componentsFor(openLink: (url: string) => void): Components {
  return {
    a: ({ href, children }) =>
      href ? (
        <a
          href={href}
          title={href}
          rel="noreferrer noopener"
          onClick={(event) => {
            event.preventDefault();
            openLink(href);
          }}
        >
          {children}
        </a>
      ) : (
        <span>{children}</span>
      ),
    // A picture from a stranger is never fetched: its alt text and address are shown instead.
    img: ({ alt, src }) => <span className="md-image">{`[image${alt ? `: ${alt}` : ''}${typeof src === 'string' && src ? ` — ${src}` : ''}]`}</span>,
    table: ({ children }) => (
      <div className="md-table">
        <table>{children}</table>
      </div>
    ),
  };
}

const REHYPE_PLUGINS: Options['rehypePlugins'] = [rehypeCapHighlight, [rehypeHighlight, HIGHLIGHT_OPTIONS]];

/**
 * GitHub-flavoured Markdown from someone else. Raw HTML is dropped, links
 * open in the browser (through `openLink`) only when they are http(s),
 * images are not loaded, hidden characters are drawn visibly, and code
 * blocks are highlighted when they name a common language.
 */
export function SafeMarkdown({ markdown, openLink, className }: { markdown: string; openLink(url: string): void; className: string }) {
  const components = useMemo(() => componentsFor(openLink), [openLink]);
  return (
    <div className={className} dir="auto">
      <Markdown remarkPlugins={[remarkGfm]} rehypePlugins={REHYPE_PLUGINS} skipHtml urlTransform={safeUrl} components={components}>
        {safeString(markdown)}
      </Markdown>
    </div>
  );
}
