import { useRef, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { useFocusTrap } from './Dialog.tsx';
import './overlay.css';

export interface OverlayPanelProps {
  /** The accessible name of the dialog. */
  label: string;
  onClose: () => void;
  /** The overlay's own class; it sets --overlay-width. */
  className: string;
  children: ReactNode;
}

/**
 * The frame of a keyboard-first overlay (command palette, search): a modal
 * panel near the top of the window, focus trapped inside, a click on the
 * backdrop closes it. The overlay handles its own keys, Escape included.
 */
export function OverlayPanel({ label, onClose, className, children }: OverlayPanelProps) {
  const panel = useRef<HTMLDivElement>(null);
  useFocusTrap(panel);
  return createPortal(
    <div className="overlay-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div ref={panel} className={`overlay-panel ${className}`} role="dialog" aria-modal="true" aria-label={label}>
        {children}
      </div>
    </div>,
    document.body,
  );
}
