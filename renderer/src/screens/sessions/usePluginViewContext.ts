import { useEffect } from 'react';
import { api } from '../../api.ts';

function tell(sessionId: string | null, projectId: string | null): void {
  // Only plugins' agor.sessions.current() reads this; a failed call leaves them the previous answer and the user nothing to do.
  api.invoke('plugins.setViewContext', { sessionId, projectId }).catch(() => undefined);
}

/** Tells main which session the user has open (for agor.sessions.current), and that none is once they leave the screen. */
export function usePluginViewContext(sessionId: string | null, projectId: string | null): void {
  useEffect(() => tell(sessionId, projectId), [sessionId, projectId]);
  useEffect(() => () => tell(null, null), []);
}
