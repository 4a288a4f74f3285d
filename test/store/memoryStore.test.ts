/**
 * The memory store honours the store contract (SPEC §8): TTLs, one winner for take(), compare-and-swap.
 */
import assert from 'node:assert/strict';
import { MemoryStore } from '../../src/store/memory.js';

describe('MemoryStore', () => {
  it('expires a record after its TTL', async () => {
    let now = 1_000_000;
    const store = new MemoryStore(() => now);
    await store.put('a', { v: 1 }, 10);
    assert.deepEqual(await store.get('a'), { v: 1 });
    now += 10_000;
    assert.equal(await store.get('a'), undefined);
  });

  it('returns copies: mutating a read record does not change the store', async () => {
    const store = new MemoryStore();
    await store.put('a', { list: [1] });
    const read = await store.get<{ list: number[] }>('a');
    read!.list.push(2);
    assert.deepEqual(await store.get('a'), { list: [1] });
  });

  it('take() gives the record to exactly one of many concurrent takers', async () => {
    const store = new MemoryStore();
    await store.put('code', { grant: 'g' }, 60);
    const results = await Promise.all(Array.from({ length: 20 }, () => store.take('code')));
    assert.equal(results.filter(Boolean).length, 1);
    assert.equal(await store.get('code'), undefined);
  });

  it('compareAndSwap() replaces only the expected value', async () => {
    const store = new MemoryStore();
    await store.put('f', { current: 'a' });
    assert.equal(await store.compareAndSwap('f', { current: 'x' }, { current: 'b' }), false);
    assert.equal(await store.compareAndSwap('f', { current: 'a' }, { current: 'b' }), true);
    assert.deepEqual(await store.get('f'), { current: 'b' });
    assert.equal(await store.compareAndSwap('missing', {}, { current: 'b' }), false);
  });

  it('putIfAbsent() writes once', async () => {
    const store = new MemoryStore();
    assert.equal(await store.putIfAbsent('k', { n: 1 }), true);
    assert.equal(await store.putIfAbsent('k', { n: 2 }), false);
    assert.deepEqual(await store.get('k'), { n: 1 });
  });

  it('existsAny() sees live keys only', async () => {
    let now = 0;
    const store = new MemoryStore(() => now);
    await store.put('x', {}, 1);
    assert.equal(await store.existsAny(['y', 'x']), true);
    now = 5000;
    assert.equal(await store.existsAny(['y', 'x']), false);
  });
});
