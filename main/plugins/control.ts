import type { AgentMessage, HookOutcome, HookStage } from '../../app/messages.ts';

/**
 * What the rest of main needs from the plugin runtime. The marketplace starts
 * and stops plugins through it; agent sources feed plugins through it. The
 * runtime's supervisor implements both.
 */
export interface PluginProcessControl {
  /** Starts (or restarts) the installed plugin; resolves once it is ready or has failed. */
  start(id: string): Promise<void>;
  /** Graceful stop (unload event, deadline, then kill); resolves when the process is gone. */
  stop(id: string, reason: string): Promise<void>;
  isRunning(id: string): boolean;
}

export interface PluginBus {
  /** Fans one agent message out to every running plugin holding `messages`. */
  deliverMessage(message: AgentMessage): void;
  /** Host events such as `session.start` and `session.complete`, to plugins holding `events`. */
  emitHostEvent(name: string, payload: unknown): void;
  /** Runs the hook chain for a stage over a prompt, a tool call or a reply. */
  runHooks(stage: HookStage, body: string, metadata?: Record<string, unknown>): Promise<HookOutcome>;
}
