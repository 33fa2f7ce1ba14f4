import { Type, type Static } from '@sinclair/typebox';
import { MESSAGE_ROLES, MESSAGE_TYPES } from '../messages.ts';
import { NoArgs } from './app.ts';

export const SESSION_STATUSES = ['running', 'success', 'error', 'stopped'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

export const AGENT_PROVIDERS = ['claude', 'codex'] as const;
export type AgentProvider = (typeof AGENT_PROVIDERS)[number];

export const PROVIDER_LABELS: Record<AgentProvider, string> = { claude: 'Claude Code', codex: 'Codex CLI' };

/** `missing_cli`: the agent program is not installed where the settings say; `permission_denied`: the run finished but tools it called were refused. */
export const ERROR_CATEGORIES = ['rate_limit', 'auth', 'quota', 'overloaded', 'network', 'missing_cli', 'permission_denied', 'unknown'] as const;
export type ErrorCategory = (typeof ERROR_CATEGORIES)[number];

export const PROMPT_MAX = 100_000;
export const PROMPT_EMPTY = 'Write a prompt for the agent';

/** Claude Code's `--permission-mode` values. */
export const PERMISSION_MODES = ['default', 'acceptEdits', 'plan', 'bypassPermissions'] as const;
export type PermissionMode = (typeof PERMISSION_MODES)[number];
export const TOOL_RULES_MAX = 50;

/** Which tools a run may use: Claude Code's permission mode and tool rules (`Read`, `Bash(git diff:*)`). */
export const ToolPermissions = Type.Object(
  {
    permissionMode: Type.Optional(Type.Union(PERMISSION_MODES.map((m) => Type.Literal(m)))),
    allowedTools: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: TOOL_RULES_MAX })),
    disallowedTools: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: TOOL_RULES_MAX })),
  },
  { additionalProperties: false },
);
export const PROJECT_NAME_MAX = 120;
export const SESSION_TITLE_MAX = 200;

const literals = <T extends readonly string[]>(values: T) => Type.Union(values.map((v) => Type.Literal(v)));

export const Project = Type.Object({
  id: Type.String(),
  name: Type.String(),
  path: Type.String(),
  /** Folders of projects merged into this one: sessions under them belong here. */
  aliases: Type.Array(Type.String()),
  /** Found in the transcripts (a repository root) rather than added; it is hidden, not removed. */
  discovered: Type.Boolean(),
  /** Left out of the default lists, with its sessions. */
  hidden: Type.Boolean(),
  createdAt: Type.String(),
  sessionCount: Type.Integer(),
  /** Sessions of this project running now. */
  liveCount: Type.Integer(),
  /** What runs in this project may do unless a run says otherwise. */
  permissions: ToolPermissions,
});

export const COST_SOURCES = ['reported', 'estimated', 'unknown'] as const;
/** `reported` by the agent, `estimated` from the price table, `unknown` when neither is possible. */
export type CostSource = (typeof COST_SOURCES)[number];

/** One model's part of a session (or of a period): each API call counted once, priced by its own model. */
export const ModelUsage = Type.Object({
  model: Type.Union([Type.String(), Type.Null()]),
  calls: Type.Integer(),
  inputTokens: Type.Integer(),
  outputTokens: Type.Integer(),
  cacheReadTokens: Type.Integer(),
  cacheWrite5mTokens: Type.Integer(),
  cacheWrite1hTokens: Type.Integer(),
  costUsd: Type.Union([Type.Number(), Type.Null()]),
  costSource: literals(COST_SOURCES),
});

export const SessionSummary = Type.Object({
  id: Type.String(),
  projectId: Type.Union([Type.String(), Type.Null()]),
  projectName: Type.Union([Type.String(), Type.Null()]),
  provider: Type.String(),
  /** Where it came from: a transcript on disk, or a run started from the app. */
  origin: Type.Union([Type.Literal('transcript'), Type.Literal('run')]),
  model: Type.Union([Type.String(), Type.Null()]),
  /** The user's title when they gave one, else the transcript's. */
  title: Type.String(),
  /** The user gave the session a title of their own. */
  renamed: Type.Boolean(),
  /** Hidden itself, or in a hidden project: left out of the default list. */
  hidden: Type.Boolean(),
  status: literals(SESSION_STATUSES),
  startedAt: Type.String(),
  endedAt: Type.Union([Type.String(), Type.Null()]),
  lastActivityAt: Type.String(),
  cwd: Type.Union([Type.String(), Type.Null()]),
  gitBranch: Type.Union([Type.String(), Type.Null()]),
  messageCount: Type.Integer(),
  toolCallCount: Type.Integer(),
  turnCount: Type.Integer(),
  /** Everything the model read: fresh input, cache reads and cache writes. */
  inputTokens: Type.Integer(),
  outputTokens: Type.Integer(),
  cacheReadTokens: Type.Integer(),
  cacheWriteTokens: Type.Integer(),
  peakTokens: Type.Integer(),
  costUsd: Type.Union([Type.Number(), Type.Null()]),
  /** Estimated as soon as any part of it is (a run without a result, a model priced from the table). */
  costSource: literals(COST_SOURCES),
  /** The session's usage per model, subagents' and side calls' included. */
  models: Type.Array(ModelUsage),
  errorCategory: Type.Union([literals(ERROR_CATEGORIES), Type.Null()]),
  errorMessage: Type.Union([Type.String(), Type.Null()]),
  /** Tool calls the agent refused for lack of permission (a run's `permission_denials`). */
  deniedToolCount: Type.Integer(),
  /** A subagent's session: the session whose Task call started it, and that call. */
  parentSessionId: Type.Union([Type.String(), Type.Null()]),
  parentToolUseId: Type.Union([Type.String(), Type.Null()]),
  /** Subagents this session started; their usage is part of this session's. */
  subagentCount: Type.Integer(),
});

export const WireMessage = Type.Object({
  id: Type.String(),
  sessionId: Type.String(),
  projectId: Type.Union([Type.String(), Type.Null()]),
  provider: Type.String(),
  timestamp: Type.String(),
  type: literals(MESSAGE_TYPES),
  role: literals(MESSAGE_ROLES),
  content: Type.String(),
  tool_call: Type.Optional(Type.Object({ id: Type.String(), name: Type.String(), input: Type.Unknown() })),
  tool_result: Type.Optional(Type.Object({ tool_call_id: Type.String(), content: Type.String(), is_error: Type.Boolean() })),
  usage: Type.Optional(
    Type.Object({
      input_tokens: Type.Optional(Type.Number()),
      output_tokens: Type.Optional(Type.Number()),
      cache_creation_input_tokens: Type.Optional(Type.Number()),
      cache_read_input_tokens: Type.Optional(Type.Number()),
    }),
  ),
  cost_usd: Type.Optional(Type.Number()),
  error: Type.Optional(Type.String()),
  /** Position in the session's conversation, from 0. */
  index: Type.Integer(),
});

/** One variable of an agent's environment: the value itself, or (secret) the name of the keyring entry holding it. */
export const AgentEnvVar = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 100 }), value: Type.String({ maxLength: 4096 }), secret: Type.Boolean() },
  { additionalProperties: false },
);
export type AgentEnvEntry = Static<typeof AgentEnvVar>;

export const SourceSettings = Type.Object(
  {
    /** Folder holding Claude Code's per-project transcript folders (`~/.claude/projects`). */
    claudeRoot: Type.String({ minLength: 1, maxLength: 4096 }),
    /** Folder holding Codex CLI's session logs (`~/.codex/sessions`). */
    codexRoot: Type.String({ minLength: 1, maxLength: 4096 }),
    claudeBinary: Type.String({ minLength: 1, maxLength: 4096 }),
    codexBinary: Type.String({ minLength: 1, maxLength: 4096 }),
    /** Keyring entries handed to the agent as ANTHROPIC_API_KEY / OPENAI_API_KEY. */
    claudeKeySecret: Type.String({ minLength: 1, maxLength: 200 }),
    codexKeySecret: Type.String({ minLength: 1, maxLength: 200 }),
    /** Where the agent sends its API calls (a gateway, a proxy); empty for the agent's own default. Given as ANTHROPIC_BASE_URL / OPENAI_BASE_URL. */
    claudeBaseUrl: Type.String({ maxLength: 2048 }),
    codexBaseUrl: Type.String({ maxLength: 2048 }),
    /** More environment for the agent's runs (proxies, CLAUDE_CODE_MAX_RETRIES, …); a secret one names its keyring entry. */
    claudeEnv: Type.Array(AgentEnvVar, { maxItems: 50 }),
    codexEnv: Type.Array(AgentEnvVar, { maxItems: 50 }),
    /** Follow transcripts as they grow. */
    watch: Type.Boolean(),
  },
  { additionalProperties: false },
);

export const SourceStatus = Type.Object({
  settings: SourceSettings,
  files: Type.Integer(),
  malformedLines: Type.Integer(),
  unknownRecords: Type.Integer(),
  lastScanAt: Type.Union([Type.String(), Type.Null()]),
});

export const ScanReport = Type.Object({
  filesRead: Type.Integer(),
  messagesAdded: Type.Integer(),
  malformedLines: Type.Integer(),
  unknownRecords: Type.Integer(),
  filesRemoved: Type.Integer(),
});

export const RunResult = Type.Union([
  Type.Object({ status: Type.Literal('started'), sessionId: Type.String(), prompt: Type.String() }),
  Type.Object({ status: Type.Literal('blocked'), message: Type.String(), pluginId: Type.String() }),
]);

export const agentChannels = {
  'projects.list': { args: NoArgs, result: Type.Object({ projects: Type.Array(Project) }) },
  'projects.add': {
    args: Type.Object(
      { path: Type.String({ maxLength: 4096 }), name: Type.Optional(Type.String({ maxLength: PROJECT_NAME_MAX * 2 })) },
      { additionalProperties: false },
    ),
    result: Project,
  },
  /** Removes a project the user added; a discovered one is hidden instead (it would be found again). */
  'projects.remove': {
    args: Type.Object({ id: Type.String({ maxLength: 100 }) }, { additionalProperties: false }),
    result: Type.Object({ removed: Type.Boolean() }),
  },
  'projects.rename': {
    args: Type.Object({ id: Type.String({ maxLength: 100 }), name: Type.String({ maxLength: PROJECT_NAME_MAX * 2 }) }, { additionalProperties: false }),
    result: Project,
  },
  /** `from`'s folders become `into`'s, its sessions move, and it is gone; returns `into`. */
  'projects.merge': {
    args: Type.Object({ from: Type.String({ maxLength: 100 }), into: Type.String({ maxLength: 100 }) }, { additionalProperties: false }),
    result: Project,
  },
  'projects.setHidden': {
    args: Type.Object({ id: Type.String({ maxLength: 100 }), hidden: Type.Boolean() }, { additionalProperties: false }),
    result: Project,
  },
  'sessions.list': {
    args: Type.Object(
      {
        projectId: Type.Optional(Type.String({ maxLength: 100 })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
        /** Hidden sessions and those of hidden projects too. */
        includeHidden: Type.Optional(Type.Boolean()),
      },
      { additionalProperties: false },
    ),
    result: Type.Object({ sessions: Type.Array(SessionSummary) }),
  },
  /** The user's own title; an empty one goes back to the transcript's. The transcript is not touched. */
  'sessions.rename': {
    args: Type.Object({ id: Type.String({ maxLength: 200 }), title: Type.String({ maxLength: SESSION_TITLE_MAX * 2 }) }, { additionalProperties: false }),
    result: SessionSummary,
  },
  'sessions.setHidden': {
    args: Type.Object({ id: Type.String({ maxLength: 200 }), hidden: Type.Boolean() }, { additionalProperties: false }),
    result: SessionSummary,
  },
  'sessions.get': {
    args: Type.Object({ id: Type.String({ maxLength: 200 }) }, { additionalProperties: false }),
    result: Type.Object({ session: SessionSummary, messages: Type.Array(WireMessage) }),
  },
  /** The subagents a session started, in the order they started. */
  'sessions.subagents': {
    args: Type.Object({ id: Type.String({ maxLength: 200 }) }, { additionalProperties: false }),
    result: Type.Object({ sessions: Type.Array(SessionSummary) }),
  },
  /** Starts an agent in the project's folder; hooks may block or rewrite the prompt first. */
  'sessions.run': {
    args: Type.Object(
      {
        projectId: Type.String({ maxLength: 100 }),
        provider: Type.String({ maxLength: 40 }),
        prompt: Type.String({ maxLength: PROMPT_MAX * 2, words: { empty: PROMPT_EMPTY, invalid: 'Write the prompt as text' } }),
        /** For this run only; what is not given comes from the project. */
        permissions: Type.Optional(ToolPermissions),
      },
      { additionalProperties: false },
    ),
    result: RunResult,
  },
  /** Saves what the project's runs may do. */
  'projects.setPermissions': {
    args: Type.Object({ id: Type.String({ maxLength: 100 }), permissions: ToolPermissions }, { additionalProperties: false }),
    result: Project,
  },
  /** Runs a failed or stopped run's prompt again, in a new session. */
  'sessions.retry': {
    args: Type.Object({ id: Type.String({ maxLength: 200 }) }, { additionalProperties: false }),
    result: RunResult,
  },
  'sessions.stop': {
    args: Type.Object({ id: Type.String({ maxLength: 200 }) }, { additionalProperties: false }),
    result: Type.Object({ stopped: Type.Boolean() }),
  },
  'sessions.sources': { args: NoArgs, result: SourceStatus },
  'sessions.updateSources': { args: Type.Partial(SourceSettings, { additionalProperties: false }), result: SourceStatus },
  /** Reads every transcript now instead of waiting for the watcher. */
  'sessions.rescan': { args: NoArgs, result: ScanReport },
} as const;

export const agentEvents = {
  'sessions.changed': SessionSummary,
  'sessions.message': WireMessage,
  'projects.changed': Type.Object({ projects: Type.Array(Project) }),
} as const;

export type ProjectInfo = Static<typeof Project>;
export type SessionInfo = Static<typeof SessionSummary>;
export type MessageInfo = Static<typeof WireMessage>;
export type ModelUsageInfo = Static<typeof ModelUsage>;
export type SourceConfig = Static<typeof SourceSettings>;
export type ScanSummary = Static<typeof ScanReport>;
export type RunOutcome = Static<typeof RunResult>;
export type ToolPermissionSettings = Static<typeof ToolPermissions>;
