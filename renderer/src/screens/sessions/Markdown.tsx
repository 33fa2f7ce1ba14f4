import { SafeMarkdown } from '../../ui/SafeMarkdown.tsx';

/** An agent's reply, drawn as safe Markdown like every other stranger's Markdown. */
export function MarkdownText({ text, openLink }: { text: string; openLink(url: string): void }) {
  return <SafeMarkdown markdown={text} openLink={openLink} className="message-text markdown" />;
}
