/**
 * An unbounded in-memory adapter for oidc-provider (its documented adapter interface), for the bench's peer: the
 * provider's own development adapter is an LRU of 1,000 entries, which evicts grants under the bench's load
 * ("grant request is invalid"). This one keeps every record until it expires, as the kit's MemoryStore does, so
 * the two are compared on the same footing.
 */
type Payload = Record<string, unknown> & { grantId?: string; uid?: string; userCode?: string; consumed?: number };

interface Entry {
  payload: Payload;
  expiresAt: number;
}

const records = new Map<string, Entry>();
const byGrant = new Map<string, Set<string>>();
const byUid = new Map<string, string>();
const byUserCode = new Map<string, string>();

function live(key: string): Payload | undefined {
  const entry = records.get(key);
  if (!entry) return undefined;
  if (entry.expiresAt <= Date.now()) {
    records.delete(key);
    return undefined;
  }
  return entry.payload;
}

export class PeerMemoryAdapter {
  constructor(readonly model: string) {}

  #key(id: string): string {
    return `${this.model}:${id}`;
  }

  async upsert(id: string, payload: Payload, expiresIn?: number): Promise<void> {
    const key = this.#key(id);
    records.set(key, { payload, expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : Infinity });
    if (payload.grantId) {
      const members = byGrant.get(payload.grantId) ?? new Set<string>();
      members.add(key);
      byGrant.set(payload.grantId, members);
    }
    if (payload.uid) byUid.set(payload.uid, id);
    if (payload.userCode) byUserCode.set(payload.userCode, id);
  }

  async find(id: string): Promise<Payload | undefined> {
    return live(this.#key(id));
  }

  async findByUid(uid: string): Promise<Payload | undefined> {
    const id = byUid.get(uid);
    return id === undefined ? undefined : this.find(id);
  }

  async findByUserCode(userCode: string): Promise<Payload | undefined> {
    const id = byUserCode.get(userCode);
    return id === undefined ? undefined : this.find(id);
  }

  async consume(id: string): Promise<void> {
    const payload = live(this.#key(id));
    if (payload) payload.consumed = Math.floor(Date.now() / 1000);
  }

  async destroy(id: string): Promise<void> {
    records.delete(this.#key(id));
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    for (const key of byGrant.get(grantId) ?? []) records.delete(key);
    byGrant.delete(grantId);
  }
}
