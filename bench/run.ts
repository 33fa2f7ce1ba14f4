import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** One measured figure: ratio = ours / baseline, the baseline measured in the same run. */
export interface BenchResult {
  name: string;
  median: number;
  unit: string;
  baseline: number;
  ratio: number;
  /** What the ratio (or the figure) must reach, in words a reader can check. */
  goal: string;
}

export interface Benchmark {
  name: string;
  run(): Promise<BenchResult[]> | BenchResult[];
}

const DIR = import.meta.dirname;
const RESULTS = join(DIR, 'results.json');

/**
 * `npm run bench` runs every `bench/*.bench.ts`; `npm run bench -- <name>`
 * runs the ones whose name contains <name>. Prints a table and writes
 * bench/results.json (results of benchmarks not run this time are kept).
 */
async function main(): Promise<void> {
  const filter = process.argv[2];
  const files = readdirSync(DIR).filter((f) => f.endsWith('.bench.ts')).sort();
  const results: BenchResult[] = [];
  const ran = new Set<string>();
  for (const file of files) {
    const mod = (await import(pathToFileURL(join(DIR, file)).href)) as { default: Benchmark };
    const bench = mod.default;
    if (filter && !bench.name.includes(filter) && !file.includes(filter)) continue;
    process.stdout.write(`running ${bench.name}…\n`);
    ran.add(bench.name);
    for (const r of await bench.run()) results.push(r);
  }
  if (ran.size === 0) {
    process.stderr.write(`No benchmark matches "${filter}". Available: ${files.join(', ')}\n`);
    process.exitCode = 1;
    return;
  }
  const previous: BenchResult[] = existsSync(RESULTS) ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as BenchResult[]) : [];
  const names = new Set(results.map((r) => r.name));
  const merged = [...previous.filter((r) => !names.has(r.name)), ...results];
  writeFileSync(RESULTS, `${JSON.stringify(merged, null, 2)}\n`);
  const rows = results.map((r) => [r.name, fmt(r.median), r.unit, fmt(r.baseline), r.ratio.toFixed(3), r.goal]);
  const head = ['name', 'median', 'unit', 'baseline', 'ratio', 'goal'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  process.stdout.write(`\n${line(head)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${rows.map(line).join('\n')}\n\nwritten to ${RESULTS}\n`);
}

function fmt(n: number): string {
  return Math.abs(n) >= 100 ? Math.round(n).toLocaleString('en-US') : n.toPrecision(4);
}

await main();
