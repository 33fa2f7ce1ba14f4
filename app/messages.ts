/**
 * One agent message, whatever its source (Claude Code transcript, Codex log,
 * a run started from the app). Plugins holding `messages` receive it
 * deep-frozen; the sessions store keeps it with its raw record.
 */
export const MESSAGE_TYPES = ['text', 'thinking', 'tool_call', 'tool_result', 'error', 'status', 'cost'] as const;
export const MESSAGE_ROLES = ['user', 'assistant', 'system', 'tool'] as const;

export type MessageType = (typeof MESSAGE_TYPES)[number];
export type MessageRole = (typeof MESSAGE_ROLES)[number];

export interface TokenUsage {
  input_tokens?: number;
  output_tokens?: number;
  cache_creation_input_tokens?: number;
  cache_read_input_tokens?: number;
}

export interface AgentMessage {
  id: string;
  sessionId: string;
  projectId: string | null;
  provider: string;
  /** ISO 8601. */
  timestamp: string;
  type: MessageType;
  role: MessageRole;
  content: string;
  tool_call?: { id: string; name: string; input: unknown };
  tool_result?: { tool_call_id: string; content: string; is_error: boolean };
  usage?: TokenUsage;
  cost_usd?: number;
  error?: string;
}

/** pre_flight: a prompt before it reaches the agent; pre_tool: a tool call before it runs; post_flight: a reply. */
export const HOOK_STAGES = ['pre_flight', 'pre_tool', 'post_flight'] as const;
export type HookStage = (typeof HOOK_STAGES)[number];

/** What a chain of hooks decided about a prompt (pre_flight) or a reply (post_flight). */
export type HookOutcome =
  | { action: 'passthrough'; body: string; metadata: Record<string, unknown> }
  | { action: 'modify'; body: string; metadata: Record<string, unknown> }
  | { action: 'block'; status: number; errorType: string; message: string; pluginId: string; metadata: Record<string, unknown> };
