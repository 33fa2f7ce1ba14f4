import { afterEach, describe, expect, it } from 'vitest';
import { parseCatalog } from '../../main/marketplace/catalog.ts';
import { sha256 } from '../../main/marketplace/testing/archives.ts';
import { parsePublicKey, verifyDetached } from '../../main/marketplace/signing.ts';
import { hubGet, startWorld, type TestWorld } from '../testing/world.ts';

let world: TestWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** What the desktop does with a Hub source: verify the signature with the Hub's key, then parse. */
async function desktopView(w: TestWorld, token: string) {
  const body = await hubGet(w, token, '/catalog.json');
  const sig = await hubGet(w, token, '/catalog.json.sig');
  expect(body.status).toBe(200);
  const key = JSON.parse((await hubGet(w, null, '/api/hub-key')).body.toString()) as { publicKey: string };
  expect(verifyDetached(body.body, sig.body, parsePublicKey(key.publicKey))).toBe(true);
  const parsed = parseCatalog(body.body, { sourceId: 'hub', sourceName: 'Team Hub', verified: true, url: `${w.hub.url}/catalog.json` }, '1.0.0');
  return { parsed, etag: String(body.headers.etag), raw: JSON.parse(body.body.toString()) as { plugins: { id: string; kind: string }[] } };
}

describe('Hub catalog feed', () => {
  it('filters every caller to their groups, admins included, and the desktop verifies and parses it', async () => {
    world = await startWorld();
    const alice = await world.hub.person('alice', ['dev']);
    const bob = await world.hub.person('bob', ['ops']);
    await world.grant('upstream/quick-notes', 'dev');
    await world.grant('team-tools/code-review', 'ops');

    const forAlice = await desktopView(world, alice.token);
    expect(forAlice.parsed.entries.map((e) => e.id)).toEqual(['quick-notes']);
    expect(forAlice.parsed.entries[0]!.unavailableReason).toBeNull();
    expect(forAlice.parsed.expires).not.toBeNull();
    expect(forAlice.parsed.sequence).toBe(1);
    expect(forAlice.parsed.skipped).toEqual([]);

    const forBob = await desktopView(world, bob.token);
    expect(forBob.parsed.entries.map((e) => e.id)).toEqual(['claude-code.team-tools.code-review']);
    expect(forBob.raw.plugins[0]!.kind).toBe('claude-code-plugin');
    expect(forBob.parsed.entries[0]!.unavailableReason).toBe('Listed, not downloadable yet.');

    // The admin is not exempt: nothing is granted to the admin group yet.
    expect((await desktopView(world, world.hub.adminToken)).parsed.entries).toEqual([]);
    await world.grant('team-tools/deploy', 'admin');
    expect((await desktopView(world, world.hub.adminToken)).parsed.entries.map((e) => e.name)).toEqual(['deploy']);
  });

  it('answers 304 while nothing changed, and a new version, never a lower one, when the view changes', async () => {
    let now = new Date('2026-12-01T12:00:00Z');
    world = await startWorld({ now: () => now });
    const alice = await world.hub.person('alice', ['dev']);
    await world.grant('upstream/quick-notes', 'dev');
    const first = await desktopView(world, alice.token);
    const again = await hubGet(world, alice.token, '/catalog.json', { 'If-None-Match': first.etag });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);

    await world.grant('team-tools/deploy', 'dev');
    const second = await desktopView(world, alice.token);
    expect(second.etag).not.toBe(first.etag);
    expect(second.parsed.sequence).toBe(2);
    // Taking the grant back shows the first content again, under a higher version.
    await world.grant('team-tools/deploy', 'dev', false);
    const third = await desktopView(world, alice.token);
    expect(third.parsed.entries.map((e) => e.id)).toEqual(['quick-notes']);
    expect(third.parsed.sequence).toBe(3);

    // Close to its expiry the same content is signed again with a later expiry and a higher version.
    now = new Date('2026-12-05T13:00:00Z');
    const resigned = await desktopView(world, alice.token);
    expect(resigned.parsed.sequence).toBe(4);
    expect(Date.parse(resigned.parsed.expires!)).toBeGreaterThan(Date.parse(third.parsed.expires!));
    const stillSame = await hubGet(world, alice.token, '/catalog.json', { 'If-None-Match': resigned.etag });
    expect(stillSame.status).toBe(304);
  });

  it('serves an archive only to callers it is granted to, behind the same token', async () => {
    world = await startWorld();
    const alice = await world.hub.person('alice', ['dev']);
    const bob = await world.hub.person('bob', ['ops']);
    await world.grant('upstream/quick-notes', 'dev');
    const entry = (await desktopView(world, alice.token)).parsed.entries[0]!;
    expect(entry.location).toEqual({ kind: 'https', url: `${world.hub.url}/archives/${world.notes.checksum}.tgz` });
    const path = `/archives/${world.notes.checksum}.tgz`;
    const got = await hubGet(world, alice.token, path);
    expect(got.status).toBe(200);
    expect(sha256(got.body)).toBe(world.notes.checksum);
    expect((await hubGet(world, bob.token, path)).status).toBe(404);
    expect((await hubGet(world, null, path)).status).toBe(401);
  });

  it('refuses a grant for a plugin no source offers, or a group that does not exist', async () => {
    world = await startWorld();
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ ref: 'upstream/nope', group: 'dev', granted: true }, /No source offers a plugin "upstream\/nope"/],
      [{ ref: 'upstream/quick-notes', group: 'nobody', granted: true }, /no group named "nobody"/],
      [{ ref: 'upstream/quick-notes', group: 'dev' }, /"granted": true or false/],
    ];
    for (const [body, message] of cases) {
      const res = await world.hub.api<{ error: string }>(world.hub.adminToken, 'POST', '/api/admin/grants', body);
      expect(res.body.error).toMatch(message);
    }
    expect((await world.hub.api(world.hub.adminToken, 'GET', '/api/admin/grants')).body).toEqual([]);
  });
});
