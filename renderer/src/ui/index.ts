export { Button, IconButton, Spinner } from './Button.tsx';
export { Dialog, useFocusTrap } from './Dialog.tsx';
export { OverlayPanel } from './OverlayPanel.tsx';
export { Field } from './Field.tsx';
export { Badge, type BadgeTone } from './Badge.tsx';
export { Banner } from './Banner.tsx';
export { EmptyState } from './EmptyState.tsx';
export { errorMessage, formatRelative, formatTime } from './format.ts';
export * from './icons.tsx';
