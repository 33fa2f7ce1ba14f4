import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Every process's parent: from /proc on Linux, from `ps` elsewhere (macOS). */
function parents(): Map<number, number> {
  const out = new Map<number, number>();
  try {
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      try {
        // `pid (comm) state ppid …`: comm may hold spaces and parentheses, so read after the last ')'.
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (Number.isInteger(ppid)) out.set(Number(name), ppid);
      } catch {
        // Gone while we looked.
      }
    }
    if (out.size) return out;
  } catch {
    // No /proc: ask ps.
  }
  try {
    for (const line of execFileSync('ps', ['-A', '-o', 'pid=,ppid='], { encoding: 'utf8' }).split('\n')) {
      const [pid, ppid] = line.trim().split(/\s+/).map(Number);
      if (Number.isInteger(pid) && Number.isInteger(ppid)) out.set(pid!, ppid!);
    }
  } catch {
    // Without a process list only the agent's own group can be reached.
  }
  return out;
}

/** The process and all its descendants, the process first. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of parents()) {
    const list = children.get(ppid) ?? [];
    list.push(pid);
    children.set(ppid, list);
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) for (const child of children.get(tree[i]!) ?? []) tree.push(child);
  return tree;
}

/**
 * Signals each process of the tree and the process group it leads: a tool the agent started in
 * a session of its own (`setsid`) is not in the agent's group, and its own children are in its.
 */
export function killTree(pids: readonly number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    for (const target of [-pid, pid]) {
      try {
        process.kill(target, signal);
      } catch {
        // Not a group leader, or already gone.
      }
    }
  }
}
