import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PluginManifestSchema } from '../../app/manifest.ts';

/**
 * The published JSON Schema of plugin.json (schemas/plugin.schema.json),
 * made from the same TypeBox schema main validates with. A test keeps the
 * file and the code identical; regenerate with:
 *   node main/plugins/manifest-schema.ts --write
 */
export const PUBLISHED_SCHEMA_PATH = join(import.meta.dirname, '..', '..', 'schemas', 'plugin.schema.json');

export function publishedManifestSchema(): string {
  const schema = { $schema: 'http://json-schema.org/draft-07/schema#', ...PluginManifestSchema };
  return `${JSON.stringify(schema, null, 2)}\n`;
}

if (process.argv[1] === import.meta.filename && process.argv.includes('--write')) {
  writeFileSync(PUBLISHED_SCHEMA_PATH, publishedManifestSchema());
  process.stdout.write(`wrote ${PUBLISHED_SCHEMA_PATH}\n`);
}
