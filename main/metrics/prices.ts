import { calcPrice } from '@pydantic/genai-prices';
import type { AppliedPriceRow, PriceRow } from '../../app/contract/metrics.ts';
import type { CallTokens } from '../agents/types.ts';

/** Anthropic's list-price ratios to input, for a price table row that does not give its own. */
export const CACHE_READ_RATIO = 0.1;
export const CACHE_WRITE_5M_RATIO = 1.25;
export const CACHE_WRITE_1H_RATIO = 2;

/** USD per million tokens of each kind. */
export interface Price {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
}

const base = (v: unknown): number | undefined => {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  // Tiered prices (long-context rates above a threshold) start at their base price.
  if (typeof v === 'object' && v !== null && typeof (v as { base?: unknown }).base === 'number') return (v as { base: number }).base;
  return undefined;
};

/** A price table row as prices of each kind; the hour-long cache write is not a column, so it follows input. */
export function overridePrice(row: PriceRow): Price {
  return { input: row.inputPerMTok, output: row.outputPerMTok, cacheRead: row.cacheReadPerMTok, cacheWrite5m: row.cacheWritePerMTok, cacheWrite1h: row.inputPerMTok * CACHE_WRITE_1H_RATIO };
}

const catalog = new Map<string, { id: string; price: Price } | null>();

/**
 * The list price of a model from @pydantic/genai-prices (its bundled data: no network), by the
 * model name an agent wrote (`claude-opus-4-6`, `claude-sonnet-4-5-20250929`, `gpt-5-codex`).
 */
export function listPrice(model: string): { id: string; price: Price } | null {
  const known = catalog.get(model);
  if (known !== undefined) return known;
  let found: { id: string; price: Price } | null = null;
  try {
    const result = calcPrice({ input_tokens: 0, output_tokens: 0 }, model);
    const p = result?.model_price;
    const input = base(p?.input_mtok);
    const output = base(p?.output_mtok);
    if (result && input !== undefined && output !== undefined) {
      found = {
        id: `${result.provider.id}/${result.model.id}`,
        price: {
          input,
          output,
          cacheRead: base(p?.cache_read_mtok) ?? input * CACHE_READ_RATIO,
          cacheWrite5m: base(p?.cache_write_mtok) ?? input * CACHE_WRITE_5M_RATIO,
          cacheWrite1h: base(p?.cache_write_1h_mtok) ?? input * CACHE_WRITE_1H_RATIO,
        },
      };
    }
  } catch {
    found = null;
  }
  catalog.set(model, found);
  return found;
}

/** The user's row for a model: an exact name, else the longest row name the model starts with. */
export function overrideFor(model: string, rows: readonly PriceRow[]): PriceRow | undefined {
  let best: PriceRow | undefined;
  for (const p of rows) {
    if ((model === p.model || model.startsWith(p.model)) && (!best || p.model.length > best.model.length)) best = p;
  }
  return best;
}

/** The price that applies to a model: the user's own row on top of the maintained list. */
export function appliedPrice(model: string, rows: readonly PriceRow[]): AppliedPriceRow | null {
  const row = overrideFor(model, rows);
  if (row) return { model, source: 'override', matched: row.model, ...perMTok(overridePrice(row)) };
  const listed = listPrice(model);
  return listed ? { model, source: 'genai-prices', matched: listed.id, ...perMTok(listed.price) } : null;
}

function perMTok(p: Price) {
  return { inputPerMTok: p.input, outputPerMTok: p.output, cacheReadPerMTok: p.cacheRead, cacheWrite5mPerMTok: p.cacheWrite5m, cacheWrite1hPerMTok: p.cacheWrite1h };
}

export function costOf(price: AppliedPriceRow, t: CallTokens): number {
  return (
    (t.input * price.inputPerMTok + t.output * price.outputPerMTok + t.cacheRead * price.cacheReadPerMTok + t.cacheWrite5m * price.cacheWrite5mPerMTok + t.cacheWrite1h * price.cacheWrite1hPerMTok) /
    1_000_000
  );
}
