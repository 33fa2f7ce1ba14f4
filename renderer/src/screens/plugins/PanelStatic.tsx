/* The read-only parts of a panel: markdown, tables, diffs and sparklines, drawn from data. */
import { useMemo } from 'react';
import type { PanelBlockValue } from '../../../../app/contract/plugins.ts';
import { api } from '../../api.ts';
import { highlightLines } from '../../ui/highlight.tsx';
import { SafeMarkdown, safeString } from '../../ui/index.ts';

/** Links leave the window through main, which opens the system browser. */
const openInBrowser = (url: string) => void api.invoke('app.openExternal', { url });

export function MarkdownPanel({ markdown }: { markdown: string }) {
  return <SafeMarkdown markdown={markdown} openLink={openInBrowser} className="plugin-panel-markdown" />;
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

type LineKind = 'file' | 'hunk' | 'add' | 'del' | 'ctx';

function lineKind(line: string): LineKind {
  if (line.startsWith('+++') || line.startsWith('---') || line.startsWith('diff ') || line.startsWith('index ')) return 'file';
  if (line.startsWith('@@')) return 'hunk';
  if (line.startsWith('+')) return 'add';
  if (line.startsWith('-')) return 'del';
  return 'ctx';
}

interface NumberedLine {
  kind: LineKind;
  sign: string;
  code: string;
  oldNo: number | null;
  newNo: number | null;
}

/** A unified diff's lines with their old and new line numbers, counted from each hunk header. */
function numbered(diff: string): NumberedLine[] {
  let oldNo = 0;
  let newNo = 0;
  return diff.replace(/\n$/, '').split('\n').map((line) => {
    const kind = lineKind(line);
    if (kind === 'file' || kind === 'hunk') {
      const start = /^@@ -(\d+)(?:,\d+)? \+(\d+)/.exec(line);
      if (start) {
        oldNo = Number(start[1]);
        newNo = Number(start[2]);
      }
      return { kind, sign: '', code: line, oldNo: null, newNo: null };
    }
    const numbers = { oldNo: kind === 'add' ? null : oldNo++, newNo: kind === 'del' ? null : newNo++ };
    return { kind, sign: kind === 'ctx' ? ' ' : line[0]!, code: kind === 'ctx' && line.startsWith(' ') ? line.slice(1) : line.slice(kind === 'ctx' ? 0 : 1), ...numbers };
  });
}

/** A unified diff, coloured by added and removed lines, numbered, and its code highlighted by `language`. */
export function DiffPanel({ diff, language }: { diff: string; language?: string }) {
  // Highlighted once per diff, not at every update of the panel around it.
  const lines = useMemo(() => numbered(diff), [diff]);
  const code = useMemo(() => highlightLines(lines.map((l) => safeString(l.code)), language), [lines, language]);
  return (
    <pre className="plugin-panel-diff" aria-label="Diff">
      {lines.map((line, i) => (
        <span key={i} className={`diff-line diff-${line.kind}`}>
          <span className="diff-no" aria-hidden="true">{line.oldNo ?? ''}</span>
          <span className="diff-no" aria-hidden="true">{line.newNo ?? ''}</span>
          <span className="diff-sign" aria-hidden="true">{line.sign}</span>
          <code className={line.kind === 'file' || line.kind === 'hunk' ? undefined : 'hljs'}>{line.code ? code[i] : ' '}</code>
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
      return <DiffPanel diff={block.diff} language={block.language} />;
    case 'sparkline':
      return <SparklinePanel values={block.values} label={block.label} />;
  }
}
