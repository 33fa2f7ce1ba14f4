import { Type, type Static } from '@sinclair/typebox';
import { NoArgs } from './app.ts';

export const SEARCH_QUERY_MAX = 500;
export const SEARCH_LIMIT_MAX = 100;

/**
 * A snippet as plain segments: the renderer shows `match` segments
 * highlighted and never interprets the text as markup.
 */
export const SnippetSegment = Type.Object({ text: Type.String(), match: Type.Boolean() });

export const MessageHit = Type.Object({
  kind: Type.Literal('message'),
  messageId: Type.String(),
  sessionId: Type.String(),
  projectId: Type.Union([Type.String(), Type.Null()]),
  sessionTitle: Type.String(),
  role: Type.String(),
  timestamp: Type.String(),
  snippet: Type.Array(SnippetSegment),
  /** bm25 score, lower is better (SQLite's convention). */
  score: Type.Number(),
});

export const TaskHit = Type.Object({
  kind: Type.Literal('task'),
  taskId: Type.Integer(),
  title: Type.Array(SnippetSegment),
  snippet: Type.Array(SnippetSegment),
  status: Type.String(),
  assignee: Type.Union([Type.String(), Type.Null()]),
  score: Type.Number(),
});

export const SearchResults = Type.Object({
  query: Type.String(),
  /** The words actually searched for, after dropping operators and punctuation. */
  terms: Type.Array(Type.String()),
  messages: Type.Array(MessageHit),
  tasks: Type.Array(TaskHit),
});

export const SearchIndexStatus = Type.Object({ messages: Type.Integer(), tasks: Type.Integer() });

export const searchChannels = {
  /** Waits until the message index covers every stored message (it catches up on its own thread), then reports its size. */
  'search.init': { args: NoArgs, result: SearchIndexStatus },
  'search.all': {
    args: Type.Object(
      { query: Type.String({ maxLength: SEARCH_QUERY_MAX * 4 }), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: SEARCH_LIMIT_MAX })) },
      { additionalProperties: false },
    ),
    result: SearchResults,
  },
  'search.rebuild': { args: NoArgs, result: SearchIndexStatus },
} as const;

export type Segment = Static<typeof SnippetSegment>;
export type MessageSearchHit = Static<typeof MessageHit>;
export type TaskSearchHit = Static<typeof TaskHit>;
export type SearchAllResult = Static<typeof SearchResults>;
