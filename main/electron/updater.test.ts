import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Updater } from '../updates/updates.ts';
import { electronUpdater, feedProblem } from './updater.ts';

const RESOURCES = '/opt/Switchboard/resources';
const fakeUpdater = { autoDownload: true } as unknown as Updater;

function environment(files: Record<string, string>, isPackaged = true) {
  const loaded: string[] = [];
  return {
    loaded,
    env: {
      isPackaged,
      resourcesPath: RESOURCES,
      readFile: (path: string) => files[path],
      load: () => {
        loaded.push('electron-updater');
        return fakeUpdater;
      },
    },
  };
}

describe('the installed app’s updater', () => {
  it('loads electron-updater for a packaged build with an https generic feed', () => {
    const { env, loaded } = environment({ [join(RESOURCES, 'app-update.yml')]: 'provider: generic\nurl: https://updates.example.test/linux\nupdaterCacheDirName: switchboard-updater\n' });
    expect(electronUpdater(env)).toBe(fakeUpdater);
    expect(loaded).toEqual(['electron-updater']);
  });

  it('does not update a development run or a build packaged without a feed, and says which', () => {
    const dev = environment({}, false);
    expect(electronUpdater(dev.env)).toEqual({ unsupported: 'This is a development run; only the installed app updates itself.' });
    const noFeed = environment({});
    expect(electronUpdater(noFeed.env)).toEqual({ unsupported: expect.stringContaining('packaged without an update feed (SWITCHBOARD_UPDATE_URL)') });
    expect([...dev.loaded, ...noFeed.loaded]).toEqual([]);
  });

  it('refuses a plain-http or non-generic feed before loading the updater', () => {
    const plain = environment({ [join(RESOURCES, 'app-update.yml')]: "provider: generic\nurl: 'http://updates.example.test/'\n" });
    expect(electronUpdater(plain.env)).toEqual({ unsupported: 'The update feed must be an https URL; app-update.yml has "http://updates.example.test/".' });
    expect(plain.loaded).toEqual([]);
    expect(feedProblem('provider: github\nowner: someone\n')).toBe('The update feed in app-update.yml is "github", not the generic HTTPS provider this app uses.');
  });
});
