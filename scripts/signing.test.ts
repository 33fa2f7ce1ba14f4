import { describe, expect, it } from 'vitest';
import { signingPlan, updateFeed } from './signing.ts';

describe('what npm run dist says about signing', () => {
  it('says a build without signing variables is unsigned, on every OS', () => {
    for (const platform of ['darwin', 'win32', 'linux'] as const) {
      const plan = signingPlan(platform, {});
      expect(plan.signed, platform).toBe(false);
      expect(plan.lines[0], platform).toContain('UNSIGNED');
    }
  });

  it('signs macOS from CSC_LINK and says when notarization credentials are missing', () => {
    const plan = signingPlan('darwin', { CSC_LINK: '/secure/dev-id.p12', CSC_KEY_PASSWORD: 'pw' });
    expect(plan.signed).toBe(true);
    expect(plan.lines[0]).toContain('CSC_LINK');
    expect(plan.lines[0]).toContain('allow-jit only');
    expect(plan.lines[1]).toMatch(/^macOS: NOT notarized: set one of APPLE_API_KEY \+ APPLE_API_KEY_ID \+ APPLE_API_ISSUER/);
  });

  it('notarizes with whichever complete set of APPLE_* variables is present, and ignores an incomplete set', () => {
    expect(signingPlan('darwin', { CSC_NAME: 'Developer ID Application: X', APPLE_ID: 'a@b.c', APPLE_APP_SPECIFIC_PASSWORD: 'p', APPLE_TEAM_ID: 'T' }).lines[1]).toBe(
      'macOS: notarized with APPLE_ID + APPLE_APP_SPECIFIC_PASSWORD + APPLE_TEAM_ID.',
    );
    expect(signingPlan('darwin', { CSC_LINK: 'x', APPLE_API_KEY: 'k.p8', APPLE_API_KEY_ID: ' ' }).lines[1]).toContain('NOT notarized');
  });

  it('signs Windows from WIN_CSC_LINK or CSC_LINK', () => {
    expect(signingPlan('win32', { WIN_CSC_LINK: 'w.pfx' })).toEqual({ signed: true, lines: ['Windows: signed with the certificate in WIN_CSC_LINK.'] });
    expect(signingPlan('win32', { CSC_LINK: 'c.pfx' }).lines[0]).toContain('CSC_LINK');
  });
});

describe('the update feed npm run dist builds in', () => {
  it('is none without SWITCHBOARD_UPDATE_URL, and the build says it will not update itself', () => {
    expect(updateFeed({})).toEqual({ args: [], line: expect.stringContaining('will not update itself') });
  });

  it('is the generic provider at an https SWITCHBOARD_UPDATE_URL', () => {
    expect(updateFeed({ SWITCHBOARD_UPDATE_URL: 'https://downloads.example.test/switchboard/' })).toMatchObject({
      args: ['-c.publish.provider=generic', '-c.publish.url=https://downloads.example.test/switchboard/'],
    });
  });

  it('refuses a plain-http feed before anything is built', () => {
    expect(updateFeed({ SWITCHBOARD_UPDATE_URL: 'http://downloads.example.test/' })).toEqual({ error: 'SWITCHBOARD_UPDATE_URL must be an https URL, not "http://downloads.example.test/".' });
  });
});
