/**
 * The session-state cache of `/authorize` (SPEC §11 "Clerk calls are bounded"): one lookup per session per
 * window, shared by concurrent requests; an ended session stays ended for the window, an outage is retried.
 */
import assert from 'node:assert/strict';
import { ClerkSessionEndedError, type ClerkSessionState } from '../../src/clerk/clerkIdentity.js';
import { ClerkSessionStateCache } from '../../src/clerk/sessionStateCache.js';
import { OAuthError } from '../../src/errors/oauthError.js';

function fakeIdentity(answer: (sessionId: string) => Promise<ClerkSessionState>) {
  const calls = { sessions: 0, users: 0 };
  return {
    calls,
    identity: {
      activeSession: (sessionId: string) => (calls.sessions++, answer(sessionId)),
      userLabel: async (userId: string) => (calls.users++, `${userId}@example.com`),
    },
  };
}

describe('ClerkSessionStateCache', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => (now = 1_000_000));

  it('answers one session from one lookup per window, concurrent requests included', async () => {
    const { calls, identity } = fakeIdentity(async () => ({ userId: 'user_1', authTime: 1 }));
    const cache = new ClerkSessionStateCache(identity, 5000, clock);
    await Promise.all(Array.from({ length: 20 }, () => cache.activeSession('sess_1')));
    now += 4999;
    await cache.activeSession('sess_1');
    assert.equal(calls.sessions, 1);
    now += 1;
    await cache.activeSession('sess_1');
    assert.equal(calls.sessions, 2);
    await cache.activeSession('sess_2');
    assert.equal(calls.sessions, 3);
  });

  it('keeps an ended session ended for the window', async () => {
    const { calls, identity } = fakeIdentity(async (id) => {
      throw new ClerkSessionEndedError();
    });
    const cache = new ClerkSessionStateCache(identity, 5000, clock);
    await assert.rejects(cache.activeSession('sess_1'), ClerkSessionEndedError);
    await assert.rejects(cache.activeSession('sess_1'), ClerkSessionEndedError);
    assert.equal(calls.sessions, 1);
  });

  it('does not remember an outage: the next request asks Clerk again', async () => {
    let down = true;
    const { calls, identity } = fakeIdentity(async () => {
      if (down) throw new OAuthError('temporarily_unavailable', { description: 'down' });
      return { userId: 'user_1', authTime: 1 };
    });
    const cache = new ClerkSessionStateCache(identity, 5000, clock);
    await assert.rejects(cache.activeSession('sess_1'), OAuthError);
    down = false;
    assert.deepEqual(await cache.activeSession('sess_1'), { userId: 'user_1', authTime: 1 });
    assert.equal(calls.sessions, 2);
  });

  it('caches the consent page user label per session', async () => {
    const { calls, identity } = fakeIdentity(async () => ({ userId: 'user_1', authTime: 1 }));
    const cache = new ClerkSessionStateCache(identity, 5000, clock);
    assert.equal(await cache.userLabel('sess_1', 'user_1'), 'user_1@example.com');
    assert.equal(await cache.userLabel('sess_1', 'user_1'), 'user_1@example.com');
    assert.equal(calls.users, 1);
  });
});
