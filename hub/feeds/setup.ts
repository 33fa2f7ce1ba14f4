/** The commands that add the Hub's marketplace to Claude Code, for the info endpoint and the setup page. */
export interface SetupLines {
  git: string[];
  zip: string[];
  privateCa: string[];
}

export function setupLines(origin: string, marketplaceName: string): SetupLines {
  const url = new URL(origin);
  const git = `${origin}/marketplace.git`;
  const local = `~/.claude/${marketplaceName}`;
  return {
    git: [
      '# Once: let git keep your Hub token (skip if you already use a credential helper)',
      'git config --global credential.helper store',
      `printf 'protocol=${url.protocol.replace(':', '')}\\nhost=${url.host}\\nusername=hub\\npassword=%s\\n\\n' "$SWITCHBOARD_HUB_TOKEN" | git credential approve`,
      `claude plugin marketplace add ${git}`,
    ],
    zip: [
      `curl -fsS -H "Authorization: Bearer $SWITCHBOARD_HUB_TOKEN" -o /tmp/${marketplaceName}.zip ${origin}/marketplace.zip`,
      `rm -rf ${local} && mkdir -p ${local} && unzip -q /tmp/${marketplaceName}.zip -d ${local}`,
      `claude plugin marketplace add ${local}`,
    ],
    privateCa: [
      '# When the Hub uses a private CA that Claude Code does not trust: clone with git, then add the local clone',
      `git -c http.sslCAInfo=/path/to/hub-ca.pem clone ${git} ${local}`,
      `claude plugin marketplace add ${local}`,
      '# To update later:',
      `git -C ${local} -c http.sslCAInfo=/path/to/hub-ca.pem fetch origin && git -C ${local} reset --hard origin/main`,
    ],
  };
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A page anyone can open: the commands, with the token left as a variable for the reader to set. */
export function setupPage(origin: string, marketplaceName: string): string {
  const lines = setupLines(origin, marketplaceName);
  const block = (title: string, body: string[]) => `<section><h2>${escape(title)}</h2><pre><code>${body.map(escape).join('\n')}</code></pre></section>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Add the team marketplace to Claude Code</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.5 system-ui,sans-serif;max-width:860px;margin:40px auto;padding:0 24px;color:#1b1b1f;background:#fff}
h1{font-size:20px}h2{font-size:15px;margin-top:28px}pre{background:#f1f1f3;border:1px solid #e3e3e8;border-radius:6px;padding:12px;overflow:auto}
code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}
@media (prefers-color-scheme: dark){body{background:#17171a;color:#e8e8ec}pre{background:#1f1f23;border-color:#2e2e34}}
</style></head><body>
<h1>Add the team marketplace to Claude Code</h1>
<p>Ask your Hub admin for a personal access token and set it in your shell first: <code>export SWITCHBOARD_HUB_TOKEN=sbh_…</code>.
You see the plugins granted to your groups.</p>
${block('With git (recommended)', lines.git)}
${block('With the ZIP', lines.zip)}
${block('Private CA fallback', lines.privateCa)}
</body></html>
`;
}
