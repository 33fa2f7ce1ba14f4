import { formatFullTime, formatRelative, formatTime } from './format.ts';

/**
 * A moment as lists show it: the time today, the date and time before today
 * (or "5 min ago" with `relative`), and the full date and time on hover.
 */
export function Time({ iso, relative = false, className }: { iso: string; relative?: boolean; className?: string }) {
  return (
    <time dateTime={iso} title={formatFullTime(iso)} className={className}>
      {relative ? formatRelative(iso) : formatTime(iso)}
    </time>
  );
}
