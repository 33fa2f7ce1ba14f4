import { useLayoutEffect, useRef } from 'react';
import type { PluginLogLineValue } from '../../../../app/contract/plugins.ts';
import { SafeText, Time } from '../../ui/index.ts';

/** How close to the bottom still counts as "following" the log. */
const STICK_PX = 24;

/**
 * The plugin's live log. It follows new lines while you are at the bottom
 * and stays put when you have scrolled up to read something.
 */
export function LogView({ lines }: { lines: PluginLogLineValue[] }) {
  const box = useRef<HTMLDivElement>(null);
  const following = useRef(true);

  useLayoutEffect(() => {
    const el = box.current;
    if (el && following.current) el.scrollTop = el.scrollHeight;
  }, [lines]);

  return (
    <div
      ref={box}
      className="plugin-log"
      role="log"
      aria-label="Plugin log"
      aria-live="off"
      tabIndex={0}
      onScroll={(e) => {
        const el = e.currentTarget;
        following.current = el.scrollHeight - el.scrollTop - el.clientHeight < STICK_PX;
      }}
    >
      {lines.length === 0 ? <p className="plugin-log-empty">Nothing logged yet.</p> : null}
      {lines.map((line, i) => (
        <div key={i} className={`plugin-log-line plugin-log-${line.level} plugin-log-from-${line.source}`}>
          <Time iso={line.at} />
          <span className="plugin-log-source">{line.source === 'system' ? 'app' : 'plugin'}</span>
          <SafeText className="plugin-log-text" text={line.text} />
        </div>
      ))}
    </div>
  );
}
