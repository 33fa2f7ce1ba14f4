// Writes the catalog JSON Schemas that plugin authors point their editors at.
// They are generated from app/catalog.ts, which main validates with; a test
// (main/marketplace/catalog.test.ts) fails when they drift apart.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CatalogV1, CatalogV2 } from '../app/catalog.ts';

const dir = join(import.meta.dirname, '..', 'schemas');
mkdirSync(dir, { recursive: true });
const schema = (s: unknown): unknown => JSON.parse(JSON.stringify(s));
writeFileSync(join(dir, 'catalog-v1.schema.json'), `${JSON.stringify(schema(CatalogV1), null, 2)}\n`);
writeFileSync(join(dir, 'catalog-v2.schema.json'), `${JSON.stringify(schema(CatalogV2), null, 2)}\n`);
console.log(`wrote ${dir}/catalog-v1.schema.json and catalog-v2.schema.json`);
