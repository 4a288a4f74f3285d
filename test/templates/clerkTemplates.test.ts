import assert from 'node:assert/strict';
import { listAllTemplates } from '../../src/templates/clerkTemplates.js';
import type { RemoteTemplate } from '../../src/templates/definition.js';

const template = (i: number): RemoteTemplate => ({ id: `jtmp_${i}`, name: `t${i}`, claims: { i }, lifetime: 60, allowedClockSkew: 5 });

describe('listAllTemplates', () => {
  it('paginated=true - reads pages of `limit` until totalCount is reached', async () => {
    const all = Array.from({ length: 7 }, (_, i) => template(i));
    const calls: { limit?: number; offset?: number }[] = [];
    const list = async (params?: { limit?: number; offset?: number }) => {
      calls.push({ ...params });
      const offset = params?.offset ?? 0;
      return { data: all.slice(offset, offset + (params?.limit ?? 10)), totalCount: all.length };
    };
    const got = await listAllTemplates({ list } as never, 3);
    assert.deepEqual(got.map((t) => t.id), all.map((t) => t.id));
    assert.deepEqual(calls, [{ limit: 3, offset: 0 }, { limit: 3, offset: 3 }, { limit: 3, offset: 6 }]);
  });

  it('an exact multiple of the page size - stops at totalCount without an empty extra request', async () => {
    const all = Array.from({ length: 4 }, (_, i) => template(i));
    let calls = 0;
    const list = async (params?: { limit?: number; offset?: number }) => {
      calls++;
      return { data: all.slice(params?.offset ?? 0, (params?.offset ?? 0) + 2), totalCount: 4 };
    };
    assert.equal((await listAllTemplates({ list } as never, 2)).length, 4);
    assert.equal(calls, 2);
  });

  it('a bare array (a server that ignores paginated=true) - taken as the whole list', async () => {
    const list = async () => [template(1), template(2)];
    assert.deepEqual((await listAllTemplates({ list } as never, 1)).map((t) => t.name), ['t1', 't2']);
  });
});
