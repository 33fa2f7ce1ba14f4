import type { ElementType } from 'react';
import { codeOf, hiddenCharName, revealHidden, splitHidden } from '../../../app/text.ts';
import './ui.css';

export interface SafeTextProps {
  /** Text from outside the app: a plugin, a catalog, a transcript. */
  text: string;
  /**
   * One line, cut with an ellipsis when it does not fit; the full text stays
   * in the page for screen readers and shows on hover.
   */
  truncate?: boolean;
  className?: string;
  as?: ElementType;
}

/**
 * Shows text from strangers so it cannot spoof the UI: isolated from the
 * text around it (`<bdi>`), with every bidirectional control and invisible
 * formatting character drawn as a visible code (see app/text.ts).
 */
export function SafeText({ text, truncate = false, className, as: Tag = 'bdi' }: SafeTextProps) {
  const classes = ['safe-text', truncate ? 'safe-text-truncate' : null, className].filter(Boolean).join(' ');
  return (
    <Tag className={classes} title={truncate ? revealHidden(text) : undefined} dir={Tag === 'bdi' ? undefined : 'auto'}>
      {splitHidden(text).map((part, i) =>
        'hidden' in part ? (
          <span key={i} className="hidden-char" title={`Hidden character ${codeOf(part.hidden)}: ${hiddenCharName(part.hidden)}`}>
            {codeOf(part.hidden)}
          </span>
        ) : (
          part.text
        ),
      )}
    </Tag>
  );
}

/** For a plain string (an aria-label, a dialog title, an option, a tooltip). */
export { revealHidden as safeString } from '../../../app/text.ts';
