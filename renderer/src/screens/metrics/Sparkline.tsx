/** A small SVG line of a series, oldest left; the label says what it shows for screen readers. */
export function Sparkline({ values, label, width = 220, height = 48, format = String }: { values: number[]; label: string; width?: number; height?: number; format?: (n: number) => string }) {
  const pad = 3;
  if (values.length === 0) {
    return (
      <svg className="sparkline" width={width} height={height} role="img" aria-label={`${label}: no sessions yet`}>
        <line x1={pad} x2={width - pad} y1={height / 2} y2={height / 2} className="sparkline-empty" />
      </svg>
    );
  }
  const max = Math.max(...values);
  const min = Math.min(...values);
  const span = max - min || 1;
  const step = values.length > 1 ? (width - pad * 2) / (values.length - 1) : 0;
  const points = values.map((v, i) => [pad + i * step, height - pad - ((v - min) / span) * (height - pad * 2)] as const);
  const line = points.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ');
  const area = `${pad},${height - pad} ${line} ${(pad + (values.length - 1) * step).toFixed(1)},${height - pad}`;
  return (
    <svg className="sparkline" width={width} height={height} viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none" role="img" aria-label={`${label}: ${values.length} sessions, latest ${format(values.at(-1)!)}, highest ${format(max)}`}>
      <polygon points={area} className="sparkline-area" />
      <polyline points={line} className="sparkline-line" />
    </svg>
  );
}
