import { Children, useEffect, useRef, useState, type ReactNode } from 'react';
import './ui.css';

/**
 * How many columns `count` tiles get when at most `fit` fit side by side:
 * as few rows as possible, then the tiles spread evenly over them, so no row
 * holds a lone tile under a full one (5 tiles in 4 columns become 3 + 2).
 */
export function balancedColumns(count: number, fit: number): number {
  if (count <= 0) return 1;
  const columns = Math.max(1, Math.min(fit, count));
  return Math.ceil(count / Math.ceil(count / columns));
}

/**
 * A grid of stat tiles, each at least `minTile` pixels wide, in balanced
 * rows. Where balance cannot help (5 tiles, 2 fit), the one tile left over
 * spans its row instead of sitting alone beside a gap.
 */
export function StatGrid({ children, minTile = 160, className, label }: { children: ReactNode; minTile?: number; className?: string; label?: string }) {
  const grid = useRef<HTMLDivElement>(null);
  const count = Children.toArray(children).filter(Boolean).length;
  const [fit, setFit] = useState(4);
  useEffect(() => {
    const el = grid.current;
    if (!el) return;
    const observer = new ResizeObserver(([entry]) => {
      const gap = parseFloat(getComputedStyle(el).columnGap) || 0;
      const width = entry?.contentRect.width ?? 0;
      setFit(Math.max(1, Math.floor((width + gap) / (minTile + gap))));
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [minTile]);
  const columns = balancedColumns(count, fit);
  const spanLast = columns > 1 && count % columns === 1;
  return (
    <div ref={grid} className={`stat-grid${spanLast ? ' stat-grid-span-last' : ''}${className ? ` ${className}` : ''}`} style={{ gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))` }} aria-label={label} role={label ? 'group' : undefined}>
      {children}
    </div>
  );
}
