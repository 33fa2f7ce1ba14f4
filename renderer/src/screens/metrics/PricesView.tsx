import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { AppliedPriceRow, PriceRow } from '../../../../app/contract/metrics.ts';
import { api } from '../../api.ts';
import { Banner, Button, Field, Spinner, errorMessage, typedNumber, useFormErrors } from '../../ui/index.ts';

interface Table {
  prices: PriceRow[];
  applied: AppliedPriceRow[];
  unpriced: string[];
}

const EMPTY = { model: '', inputPerMTok: '', outputPerMTok: '', cacheReadPerMTok: '', cacheWritePerMTok: '' };
type Draft = typeof EMPTY;
const PRICE_FIELDS = Object.keys(EMPTY);

const usd = (n: number) => `$${Number(n.toFixed(4))}`;

/**
 * Prices come from the maintained list shipped with the app (@pydantic/genai-prices); the user's
 * own rows override it for every model whose name starts with the row's name.
 */
export function PricesView() {
  const [table, setTable] = useState<Table | null>(null);
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const errors = useFormErrors(PRICE_FIELDS);
  const load = useCallback(() => api.invoke('metrics.prices', {}).then(setTable, (e) => setError(errorMessage(e))), []);
  useEffect(() => void load(), [load]);

  const startDraft = (next: Draft) => {
    setDraft(next);
    errors.clear();
  };
  const edit = (model: string, p: { inputPerMTok: number; outputPerMTok: number; cacheReadPerMTok: number; cacheWritePerMTok?: number; cacheWrite5mPerMTok?: number }) =>
    startDraft({ model, inputPerMTok: String(p.inputPerMTok), outputPerMTok: String(p.outputPerMTok), cacheReadPerMTok: String(p.cacheReadPerMTok), cacheWritePerMTok: String(p.cacheWritePerMTok ?? p.cacheWrite5mPerMTok ?? 0) });

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    errors.clear();
    try {
      await api.invoke('metrics.setPrice', {
        model: draft.model,
        inputPerMTok: typedNumber(draft.inputPerMTok),
        outputPerMTok: typedNumber(draft.outputPerMTok),
        cacheReadPerMTok: typedNumber(draft.cacheReadPerMTok),
        cacheWritePerMTok: typedNumber(draft.cacheWritePerMTok),
      });
      setDraft(EMPTY);
      setError(null);
      await load();
    } catch (err) {
      errors.fail(err);
    } finally {
      setBusy(false);
    }
  };

  const remove = async (model: string) => {
    try {
      await api.invoke('metrics.deletePrice', { model });
      await load();
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  if (!table) return error ? <Banner tone="danger">{error}</Banner> : <div className="loading-row"><Spinner label="Loading prices" /> Loading prices…</div>;
  return (
    <div className="metrics-prices">
      <section className="panel metrics-section" aria-labelledby="applied-h">
        <h2 id="applied-h">Prices applied to your models</h2>
        <p className="metrics-muted">USD per million tokens. Costs the agent did not report are estimated from these. Cache reads default to 0.1× input, 5-minute cache writes to 1.25×, 1-hour writes to 2×.</p>
        {table.applied.length === 0 && table.unpriced.length === 0 ? <p className="metrics-muted">No session has used a model yet.</p> : (
          <div className="table-wrap">
            <table className="table" aria-label="Prices applied">
              <thead>
                <tr><th scope="col">Model</th><th scope="col">From</th><th scope="col">Input</th><th scope="col">Output</th><th scope="col">Cache read</th><th scope="col">Cache write 5 min</th><th scope="col">Cache write 1 h</th><th scope="col" aria-label="Action" /></tr>
              </thead>
              <tbody>
                {table.applied.map((p) => (
                  <tr key={p.model}>
                    <td className="mono">{p.model}</td>
                    <td>{p.source === 'override' ? `Your price (${p.matched})` : `Price list (${p.matched})`}</td>
                    <td>{usd(p.inputPerMTok)}</td><td>{usd(p.outputPerMTok)}</td><td>{usd(p.cacheReadPerMTok)}</td><td>{usd(p.cacheWrite5mPerMTok)}</td><td>{usd(p.cacheWrite1hPerMTok)}</td>
                    <td><Button size="sm" variant="ghost" onClick={() => edit(p.model, p)}>Set my price</Button></td>
                  </tr>
                ))}
                {table.unpriced.map((model) => (
                  <tr key={model}>
                    <td className="mono">{model}</td><td>No price known: its cost is not counted</td><td colSpan={5} />
                    <td><Button size="sm" variant="ghost" onClick={() => startDraft({ ...EMPTY, model })}>Set my price</Button></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section className="panel metrics-section" aria-labelledby="overrides-h">
        <h2 id="overrides-h">Your prices</h2>
        <p className="metrics-muted">A row applies to every model whose name starts with it; the longest match wins over the price list.</p>
        {table.prices.length === 0 ? <p className="metrics-muted">You have not set a price of your own.</p> : (
          <div className="table-wrap">
            <table className="table" aria-label="Your prices">
              <thead>
                <tr><th scope="col">Model name starts with</th><th scope="col">Input</th><th scope="col">Output</th><th scope="col">Cache read</th><th scope="col">Cache write</th><th scope="col" aria-label="Actions" /></tr>
              </thead>
              <tbody>
                {table.prices.map((p) => (
                  <tr key={p.model}>
                    <td className="mono">{p.model}</td><td>{usd(p.inputPerMTok)}</td><td>{usd(p.outputPerMTok)}</td><td>{usd(p.cacheReadPerMTok)}</td><td>{usd(p.cacheWritePerMTok)}</td>
                    <td className="price-actions">
                      <Button size="sm" variant="ghost" onClick={() => edit(p.model, p)}>Edit</Button>
                      <Button size="sm" variant="ghost" onClick={() => void remove(p.model)} aria-label={`Delete the price for ${p.model}`}>Delete</Button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <form className="price-form" onSubmit={(e) => void save(e)} aria-label="Set a price" noValidate>
          <Field label="Model name (or its start)" error={errors.field('model')}><input className="input mono" value={draft.model} onChange={(e) => setDraft({ ...draft, model: e.target.value })} spellCheck={false} /></Field>
          <Field label="Input $/M" error={errors.field('inputPerMTok')}><input className="input" inputMode="decimal" value={draft.inputPerMTok} onChange={(e) => setDraft({ ...draft, inputPerMTok: e.target.value })} /></Field>
          <Field label="Output $/M" error={errors.field('outputPerMTok')}><input className="input" inputMode="decimal" value={draft.outputPerMTok} onChange={(e) => setDraft({ ...draft, outputPerMTok: e.target.value })} /></Field>
          <Field label="Cache read $/M" error={errors.field('cacheReadPerMTok')}><input className="input" inputMode="decimal" value={draft.cacheReadPerMTok} onChange={(e) => setDraft({ ...draft, cacheReadPerMTok: e.target.value })} /></Field>
          <Field label="Cache write $/M" error={errors.field('cacheWritePerMTok')}><input className="input" inputMode="decimal" value={draft.cacheWritePerMTok} onChange={(e) => setDraft({ ...draft, cacheWritePerMTok: e.target.value })} /></Field>
          <Button type="submit" variant="primary" busy={busy}>Save price</Button>
        </form>
        {errors.form ? <Banner tone="danger" title="The price was not saved">{errors.form}</Banner> : null}
        {error ? <Banner tone="danger">{error}</Banner> : null}
      </section>
    </div>
  );
}
