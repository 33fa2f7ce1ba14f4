/**
 * Numbers main and the plugin host agree on. Kept free of imports so the
 * plugin host can load it without pulling in the schema library.
 */

/** Limits main enforces on anything arriving from a plugin process. */
export const ENVELOPE_LIMITS = {
  /** Serialized size of one envelope, in UTF-16 code units of its JSON. */
  maxBytes: 1024 * 1024,
  maxDepth: 32,
  /** Objects, arrays and values counted together. */
  maxNodes: 20_000,
  maxStringLength: 512 * 1024,
} as const;

/** Storage per plugin: a key, a value, and all values together (in UTF-16 code units of their JSON). */
export const STORAGE_LIMITS = { maxKeyLength: 256, maxValueBytes: 64 * 1024, maxTotalBytes: 1024 * 1024, maxKeys: 1000 } as const;

export const HOOK_DEFAULT_TIMEOUT_MS = 50;
export const HOOK_MAX_TIMEOUT_MS = 1000;
export const HOOK_DEFAULT_PRIORITY = 100;

/** How many events may chain (a handler emitting from inside a handler) before main refuses. */
export const MAX_EVENT_DEPTH = 8;
