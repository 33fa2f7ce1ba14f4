// npm run plugin -- new <id> [--dir <parent>]
// npm run plugin -- validate <folder> [--run <command label>]
// npm run plugin -- pack <folder> [--out <dir>] [--format 1|2] [--base-url <https url>] [--author <name>]
// npm run plugin -- sign <catalog.json> --key <private key .pem> [--new-key]
// The author kit; README "Writing a plugin" walks through it.
import { parseArgs } from 'node:util';
import { pack, scaffold, sign, validate } from './plugin-kit.ts';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    dir: { type: 'string' },
    run: { type: 'string' },
    out: { type: 'string' },
    format: { type: 'string' },
    'base-url': { type: 'string' },
    author: { type: 'string' },
    key: { type: 'string' },
    'new-key': { type: 'boolean' },
  },
});
const [command, target] = positionals;
const usage = 'usage: npm run plugin -- new <id> | validate <folder> | pack <folder> | sign <catalog.json> --key <key.pem>';

async function main(): Promise<number> {
  if (!command || !target) {
    console.error(usage);
    return 2;
  }
  switch (command) {
    case 'new': {
      const folder = scaffold(target, values.dir ?? process.cwd());
      console.log(`Created ${folder}: plugin.json, index.js, jsconfig.json, plugin.test.ts.\nNext: npm run plugin -- validate ${folder}`);
      return 0;
    }
    case 'validate': {
      const report = await validate(target, values.run === undefined ? {} : { run: values.run });
      for (const warning of report.warnings) console.log(`warning: ${warning}`);
      for (const error of report.errors) console.log(`error: ${error}`);
      if (report.errors.length) return 1;
      console.log(`${report.id} is valid and loads in a sandboxed host${report.commands.length ? `; commands: ${report.commands.join(', ')}` : ''}.`);
      if (report.commandReply !== undefined) console.log(`"${values.run}" returned ${JSON.stringify(report.commandReply)}`);
      return 0;
    }
    case 'pack': {
      const format = values.format === undefined ? 1 : Number(values.format);
      if (format !== 1 && format !== 2) throw new Error('--format is 1 or 2');
      const packed = pack(target, { out: values.out ?? 'dist-plugins', format, ...(values['base-url'] ? { baseUrl: values['base-url'] } : {}), ...(values.author ? { author: values.author } : {}) });
      console.log(`${packed.archive}\n  sha256 ${packed.sha256}\n  ${packed.size} bytes\ncatalog entry (format ${format}):\n${JSON.stringify(packed.entry, null, 2)}`);
      return 0;
    }
    case 'sign': {
      if (!values.key) throw new Error('sign needs --key <path to an ed25519 private key (PEM)>; add --new-key to create one there');
      const { publicKey } = sign(target, { path: values.key, create: values['new-key'] ?? false });
      console.log(`Wrote ${target}.sig.\nPublic key for the catalog source: ${publicKey}`);
      return 0;
    }
    default:
      console.error(`Unknown command "${command}". ${usage}`);
      return 2;
  }
}

main().then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  },
);
