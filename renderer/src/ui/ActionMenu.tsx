import { useEffect, useId, useRef, useState } from 'react';
import { arrowKeys } from './arrowKeys.ts';
import { MoreIcon } from './icons.tsx';
import './ui.css';

export interface ActionMenuItem {
  label: string;
  onSelect(): void;
  danger?: boolean;
}

/**
 * A "more actions" button and the menu it opens: arrow keys walk the items, Escape closes and
 * gives focus back to the button, leaving the menu closes it. It floats over scrolling lists.
 */
export function ActionMenu({ label, items, className }: { label: string; items: readonly ActionMenuItem[]; className?: string }) {
  const [at, setAt] = useState<{ top: number; right: number } | null>(null);
  const box = useRef<HTMLDivElement>(null);
  const menuId = useId();
  const trigger = () => box.current?.querySelector<HTMLButtonElement>('.icon-btn');

  useEffect(() => {
    if (at) box.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
  }, [at]);

  const close = () => {
    setAt(null);
    trigger()?.focus();
  };
  const toggle = () => {
    if (at) return close();
    const rect = trigger()!.getBoundingClientRect();
    setAt({ top: rect.bottom + 4, right: window.innerWidth - rect.right });
  };

  return (
    <div
      ref={box}
      className={['action-menu', at ? 'is-open' : '', className].filter(Boolean).join(' ')}
      onBlur={(e) => {
        if (at && !e.currentTarget.contains(e.relatedTarget as Node | null)) setAt(null);
      }}
    >
      <button type="button" className="icon-btn icon-btn-sm" aria-label={label} title={label} aria-haspopup="menu" aria-expanded={at !== null} aria-controls={at ? menuId : undefined} onClick={toggle}>
        <MoreIcon size={14} />
      </button>
      {at ? (
        <div
          id={menuId}
          role="menu"
          aria-label={label}
          className="action-menu-list"
          style={{ top: at.top, right: at.right }}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.stopPropagation();
              close();
              return;
            }
            if (e.key === 'Tab') setAt(null);
            arrowKeys({ selector: '[role="menuitem"]' })(e);
          }}
        >
          {items.map((item) => (
            <button
              key={item.label}
              type="button"
              role="menuitem"
              className={`action-menu-item${item.danger ? ' is-danger' : ''}`}
              onClick={() => {
                close();
                item.onSelect();
              }}
            >
              {item.label}
            </button>
          ))}
        </div>
      ) : null}
    </div>
  );
}
