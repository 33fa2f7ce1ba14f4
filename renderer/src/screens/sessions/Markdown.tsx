import { useMemo } from 'react';
import Markdown, { type Components } from 'react-markdown';
import remarkGfm from 'remark-gfm';
import { safeString } from '../../ui/index.ts';

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
    // A picture from a transcript is never fetched: its alt text and address are shown instead.
    img: ({ alt, src }) => <span className="md-image">{`[image${alt ? `: ${alt}` : ''}${typeof src === 'string' && src ? ` — ${src}` : ''}]`}</span>,
    table: ({ children }) => (
      <div className="md-table">
        <table>{children}</table>
      </div>
    ),
  };
}

/**
 * An agent's reply as GitHub-flavoured Markdown. Raw HTML is dropped, links
 * open in the browser only when they are http(s), images are not loaded,
 * and hidden characters are drawn visibly, as everywhere text from a
 * transcript is shown.
 */
export function MarkdownText({ text, openLink }: { text: string; openLink(url: string): void }) {
  const components = useMemo(() => componentsFor(openLink), [openLink]);
  return (
    <div className="message-text markdown" dir="auto">
      <Markdown remarkPlugins={[remarkGfm]} skipHtml urlTransform={safeUrl} components={components}>
        {safeString(text)}
      </Markdown>
    </div>
  );
}
