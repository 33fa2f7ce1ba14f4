// `npm run dist` after `npm run build`: the icons from the one source image,
// a plain statement of what will be signed and where updates come from
// (SWITCHBOARD_UPDATE_URL), then electron-builder with any
// extra arguments (`npm run dist -- --dir`).
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { buildIcons } from './build-icons.ts';
import { signingPlan, updateFeed } from './signing.ts';

const ROOT = resolve(import.meta.dirname, '..');

const feed = updateFeed(process.env);
if ('error' in feed) {
  console.error(feed.error);
  process.exit(1);
}
await buildIcons(join(ROOT, 'out', 'icons'));
for (const line of signingPlan(process.platform, process.env).lines) console.log(line);
console.log(feed.line);
const builder = spawnSync('electron-builder', ['--config', 'electron-builder.yml', ...feed.args, ...process.argv.slice(2)], { cwd: ROOT, stdio: 'inherit', shell: process.platform === 'win32' });
process.exit(builder.status ?? 1);
