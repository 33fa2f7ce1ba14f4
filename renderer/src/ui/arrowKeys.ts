import type { KeyboardEvent } from 'react';

export interface ArrowKeyOptions {
  /** The focusable items of the list, in order. */
  selector: string;
  /** Items per row, for a grid; left and right then move within the row. */
  columns?: () => number;
}

/**
 * Arrow keys, Home and End for a list or grid whose items are already
 * focusable (buttons, cards with tabindex): put the handler on the
 * container's onKeyDown. Keys pressed inside an item's own text fields and
 * menus are left alone.
 */
export function arrowKeys({ selector, columns }: ArrowKeyOptions) {
  return (event: KeyboardEvent<HTMLElement>): void => {
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    const items = [...event.currentTarget.querySelectorAll<HTMLElement>(selector)];
    const index = items.indexOf(event.target as HTMLElement);
    if (index === -1) return;
    const perRow = Math.max(1, columns?.() ?? 1);
    let next: number;
    switch (event.key) {
      case 'ArrowDown':
        next = index + perRow;
        break;
      case 'ArrowUp':
        next = index - perRow;
        break;
      case 'ArrowRight':
        if (perRow === 1) return;
        next = index + 1;
        break;
      case 'ArrowLeft':
        if (perRow === 1) return;
        next = index - 1;
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = items.length - 1;
        break;
      default:
        return;
    }
    event.preventDefault();
    const target = items[Math.max(0, Math.min(items.length - 1, next))];
    target?.focus();
    target?.scrollIntoView({ block: 'nearest' });
  };
}
