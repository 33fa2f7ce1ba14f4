import { spawn } from 'node:child_process';
import { HubError } from '../errors.ts';
import type { Redactor } from '../redact.ts';
import { git, gitEnv } from './cli.ts';

export interface TreeEntry {
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  oid: string;
  /** Bytes; 0 for trees and submodules. */
  size: number;
  path: string;
}

/** Every file below `treeish`, recursively, with sizes, read from git's objects (not a working tree). */
export async function listTree(redactor: Redactor, repo: string, treeish: string): Promise<TreeEntry[]> {
  const out = await git(redactor, ['ls-tree', '-r', '-l', '-z', '--full-tree', treeish, '--'], { cwd: repo });
  const entries: TreeEntry[] = [];
  for (const record of out.toString('utf8').split('\0')) {
    if (!record) continue;
    const tab = record.indexOf('\t');
    const [mode, type, oid, size] = record.slice(0, tab).split(/\s+/);
    entries.push({ mode: mode!, type: type as TreeEntry['type'], oid: oid!, size: size === '-' ? 0 : Number(size), path: record.slice(tab + 1) });
  }
  return entries;
}

/** The contents of many objects in one `git cat-file --batch`; a missing object maps to null. */
export function readObjects(repo: string, names: readonly string[]): Promise<Map<string, Buffer | null>> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['cat-file', '--batch'], { cwd: repo, env: gitEnv(null), stdio: ['pipe', 'pipe', 'ignore'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', reject);
    child.on('close', () => {
      const all = Buffer.concat(chunks);
      const result = new Map<string, Buffer | null>();
      let at = 0;
      for (const name of names) {
        const nl = all.indexOf(10, at);
        if (nl < 0) return reject(new HubError(502, 'git cat-file stopped early'));
        const header = all.subarray(at, nl).toString('utf8');
        at = nl + 1;
        if (header.endsWith(' missing') || header.endsWith(' ambiguous')) {
          result.set(name, null);
          continue;
        }
        const size = Number(header.split(' ')[2]);
        result.set(name, all.subarray(at, at + size));
        at += size + 1;
      }
      resolve(result);
    });
    child.stdin.end(names.map((n) => `${n}\n`).join(''));
  });
}

/** The ids of objects named `<rev>:<path>` that have the given type; the others are left out. */
export function objectIds(repo: string, names: readonly string[], type: TreeEntry['type']): Promise<Map<string, string>> {
  return new Promise((resolve, reject) => {
    if (names.length === 0) return resolve(new Map());
    const child = spawn('git', ['cat-file', '--batch-check'], { cwd: repo, env: gitEnv(null), stdio: ['pipe', 'pipe', 'ignore'] });
    let text = '';
    child.stdout.on('data', (c: Buffer) => (text += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', () => {
      const out = new Map<string, string>();
      text.split('\n').forEach((line, i) => {
        const [oid, kind] = line.split(' ');
        if (kind === type && names[i] !== undefined) out.set(names[i]!, oid!);
      });
      resolve(out);
    });
    child.stdin.end(names.map((n) => `${n}\n`).join(''));
  });
}
