import { describe, expect, it } from 'vitest';
import { hasEnoughInSyncReplicas, isShortOfReplicas } from './replica-check.ts';

const topic = (partitions: { isr: number[]; replicas: number[] }[]) => ({
  id: 't',
  partitionsCount: partitions.length,
  lastUpdate: 0,
  partitions: partitions.map((p) => ({ ...p, leader: p.isr[0] ?? -1, leaderEpoch: 0, offlineReplicas: [] })),
});

describe('replica check', () => {
  it('requires min(min.insync.replicas, replicas) in-sync replicas on every partition, as the broker does', () => {
    expect(hasEnoughInSyncReplicas(topic([{ isr: [1, 2], replicas: [1, 2] }]), 2)).toBe(true);
    expect(hasEnoughInSyncReplicas(topic([{ isr: [1], replicas: [1, 2] }]), 2)).toBe(false);
    expect(hasEnoughInSyncReplicas(topic([{ isr: [1], replicas: [1, 2] }]), 1)).toBe(true);
    // A setting above the replication factor asks for every replica, not more.
    expect(hasEnoughInSyncReplicas(topic([{ isr: [1, 2], replicas: [1, 2] }]), 3)).toBe(true);
    expect(
      hasEnoughInSyncReplicas(
        topic([
          { isr: [1, 2], replicas: [1, 2] },
          { isr: [2], replicas: [2, 3] },
        ]),
        2,
      ),
    ).toBe(false);
    expect(hasEnoughInSyncReplicas(undefined, 1)).toBe(false);
  });

  it('recognises the broker refusals that mean too few in-sync replicas', () => {
    expect(isShortOfReplicas(['NOT_ENOUGH_REPLICAS'])).toBe(true);
    expect(isShortOfReplicas(['NETWORK_EXCEPTION', 'NOT_ENOUGH_REPLICAS_AFTER_APPEND'])).toBe(true);
    expect(isShortOfReplicas(['NOT_LEADER_OR_FOLLOWER'])).toBe(false);
  });
});
