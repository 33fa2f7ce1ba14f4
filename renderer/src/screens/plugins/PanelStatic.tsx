/* The read-only parts of a panel: markdown, tables, diffs and sparklines, drawn from data. */
import type { MouseEvent } from 'react';
import Markdown, { type Components } from 'react-markdown';
import remarkGfm from 'remark-gfm';
import type { PanelBlockValue } from '../../../../app/contract/plugins.ts';
import { api } from '../../api.ts';

/** Only web links survive; anything else (javascript:, file:, data:) renders as plain text. */
function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : '';
  } catch {
    return '';
  }
}

const openInBrowser = (event: MouseEvent<HTMLAnchorElement>) => {
  event.preventDefault();
  void api.invoke('app.openExternal', { url: event.currentTarget.href });
};

/** Links leave the window through main (which opens the system browser); images are never fetched. */
const MARKDOWN_COMPONENTS: Components = {
  a: ({ href, children }) =>
    href ? (
      <a href={href} onClick={openInBrowser} rel="noreferrer noopener">
        {children}
      </a>
    ) : (
      <span>{children}</span>
    ),
  img: ({ alt }) => <span className="plugin-panel-image-alt">[{alt || 'image'}]</span>,
};

export function MarkdownPanel({ markdown }: { markdown: string }) {
  return (
    <div className="plugin-panel-markdown">
      <Markdown remarkPlugins={[remarkGfm]} skipHtml urlTransform={safeUrl} components={MARKDOWN_COMPONENTS}>
        {markdown}
      </Markdown>
    </div>
  );
}

export function TablePanel({ columns, rows }: { columns: string[]; rows: (string | number | boolean | null)[][] }) {
  return (
    <div className="plugin-panel-table-wrap">
      <table className="plugin-panel-table">
        <thead>
          <tr>{columns.map((c, i) => <th key={i} scope="col">{c}</th>)}</tr>
        </thead>
        <tbody>
          {rows.map((row, r) => (
            <tr key={r}>{columns.map((_, c) => <td key={c}>{row[c] === null || row[c] === undefined ? '' : String(row[c])}</td>)}</tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function lineKind(line: string): string {
  if (line.startsWith('+++') || line.startsWith('---') || line.startsWith('diff ') || line.startsWith('index ')) return 'file';
  if (line.startsWith('@@')) return 'hunk';
  if (line.startsWith('+')) return 'add';
  if (line.startsWith('-')) return 'del';
  return 'ctx';
}

export function DiffPanel({ diff }: { diff: string }) {
  const lines = diff.replace(/\n$/, '').split('\n');
  return (
    <pre className="plugin-panel-diff" aria-label="Diff">
      {lines.map((line, i) => (
        <span key={i} className={`diff-line diff-${lineKind(line)}`}>
          {line || ' '}
          {'\n'}
        </span>
      ))}
    </pre>
  );
}

const SPARK_WIDTH = 480;
const SPARK_HEIGHT = 64;

export function SparklinePanel({ values, label }: { values: number[]; label?: string }) {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return <p className="plugin-panel-empty">No values yet.</p>;
  const min = Math.min(...finite);
  const max = Math.max(...finite);
  const span = max - min || 1;
  const step = finite.length > 1 ? SPARK_WIDTH / (finite.length - 1) : 0;
  const points = finite.map((v, i) => `${(i * step).toFixed(1)},${(SPARK_HEIGHT - 4 - ((v - min) / span) * (SPARK_HEIGHT - 8)).toFixed(1)}`).join(' ');
  const last = finite[finite.length - 1]!;
  const description = `${label ? `${label}: ` : ''}${finite.length} values from ${min} to ${max}, latest ${last}`;
  return (
    <figure className="plugin-panel-sparkline">
      <svg viewBox={`0 0 ${SPARK_WIDTH} ${SPARK_HEIGHT}`} preserveAspectRatio="none" role="img" aria-label={description}>
        <polyline points={points} fill="none" stroke="currentColor" strokeWidth={2} vectorEffect="non-scaling-stroke" />
      </svg>
      <figcaption>
        {label ? <span>{label}</span> : null}
        <span>latest <strong>{last}</strong> · min {min} · max {max}</span>
      </figcaption>
    </figure>
  );
}

type StaticBlockValue = Extract<PanelBlockValue, { type: 'markdown' | 'table' | 'diff' | 'sparkline' }>;

/** One read-only block; null for the interactive kinds, which PanelControls draws. */
export function StaticBlock({ block }: { block: StaticBlockValue }) {
  switch (block.type) {
    case 'markdown':
      return <MarkdownPanel markdown={block.markdown} />;
    case 'table':
      return <TablePanel columns={block.columns} rows={block.rows} />;
    case 'diff':
      return <DiffPanel diff={block.diff} />;
    case 'sparkline':
      return <SparklinePanel values={block.values} label={block.label} />;
  }
}
