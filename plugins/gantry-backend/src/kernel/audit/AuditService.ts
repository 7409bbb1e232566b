import { createHash } from 'node:crypto';
import { canonicalJson } from './canonicalJson';
import type { Transaction } from '../transaction';
import type { AuditStore } from './AuditStore';
import {
  GENESIS_HASH,
  type AuditEntry,
  type AuditRecord,
  type ChainHead,
  type StoredAuditRecord,
  type VerifyResult,
} from './types';

/** h_n = SHA-256(h_{n-1} as hex text ‖ JCS(record_n)), from a genesis of 64 zeros. */
export function chainHash(prevHash: string, record: string): string {
  return createHash('sha256').update(prevHash).update(record).digest('hex');
}

const VERIFY_PAGE = 1000;

/**
 * The one audit log of Gantry. Domain services call `record` inside the same database
 * transaction as the change itself, so a change and its audit record land together or
 * not at all.
 */
export class AuditService {
  constructor(
    private readonly store: AuditStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Appends within `tx`, or in a transaction of its own when none is given. */
  async record(entry: AuditEntry, tx?: Transaction): Promise<AuditRecord> {
    if (!tx) return this.store.transaction(t => this.record(entry, t));
    const head = await this.store.lockHead(tx);
    const rec: AuditRecord = {
      seq: head.seq + 1,
      occurredAt: this.now().toISOString(),
      actor: entry.actor,
      action: entry.action,
      ...(entry.entityRef ? { entityRef: entry.entityRef } : {}),
      ...(entry.details ? { details: entry.details } : {}),
    };
    const text = canonicalJson(rec);
    await this.store.insert(tx, {
      seq: rec.seq,
      occurredAt: rec.occurredAt,
      actor: rec.actor,
      action: rec.action,
      entityRef: rec.entityRef ?? null,
      record: text,
      prevHash: head.hash,
      hash: chainHash(head.hash, text),
    });
    return rec;
  }

  head(): Promise<ChainHead> {
    return this.store.head();
  }

  /**
   * Recomputes the chain from genesis and names the first record that does not fit:
   * an edited row (hash or copied columns differ), a deleted row (gap in seq or a
   * prev_hash that points elsewhere) or reordered rows.
   */
  async verify(): Promise<VerifyResult> {
    let prev = GENESIS_HASH;
    let expectedSeq = 1;
    let checked = 0;
    for (;;) {
      const page = await this.store.page(expectedSeq - 1, VERIFY_PAGE);
      if (page.length === 0) break;
      for (const row of page) {
        const problem = this.check(row, expectedSeq, prev);
        if (problem) {
          return {
            ok: false,
            checked,
            firstBrokenSeq: expectedSeq,
            reason: problem,
          };
        }
        prev = row.hash;
        expectedSeq += 1;
        checked += 1;
      }
    }
    const head = await this.store.head();
    if (head.seq !== checked || head.hash !== prev) {
      return {
        ok: false,
        checked,
        firstBrokenSeq: Math.min(head.seq, checked) + 1,
        reason: `The published head (seq ${head.seq}, hash ${head.hash}) does not match the end of the chain (seq ${checked}, hash ${prev}): records after seq ${checked} are missing.`,
      };
    }
    return { ok: true, checked, head };
  }

  private check(
    row: StoredAuditRecord,
    expectedSeq: number,
    prev: string,
  ): string | undefined {
    if (row.seq !== expectedSeq) {
      return `Record ${expectedSeq} is missing: the next record in the table has seq ${row.seq}.`;
    }
    if (row.prevHash !== prev) {
      return `Record ${row.seq} points to previous hash ${row.prevHash} but the chain before it ends in ${prev}: a record before it was changed, removed or reordered.`;
    }
    if (chainHash(prev, row.record) !== row.hash) {
      return `Record ${row.seq} does not hash to its stored hash: its content was changed.`;
    }
    let parsed: AuditRecord;
    try {
      parsed = JSON.parse(row.record);
    } catch {
      return `Record ${row.seq} is not valid JSON.`;
    }
    if (
      parsed.seq !== row.seq ||
      parsed.occurredAt !== row.occurredAt ||
      parsed.actor !== row.actor ||
      parsed.action !== row.action ||
      (parsed.entityRef ?? null) !== row.entityRef
    ) {
      return `Record ${row.seq}'s columns (seq, time, actor, action, entity) differ from its hashed content: a column was edited.`;
    }
    return undefined;
  }

  async list(filter: {
    entityRef?: string;
    from?: string;
    to?: string;
    limit?: number;
    beforeSeq?: number;
  }): Promise<Array<AuditRecord & { hash: string }>> {
    const rows = await this.store.query({
      ...filter,
      limit: filter.limit ?? 100,
    });
    return rows.map(r => ({
      ...(JSON.parse(r.record) as AuditRecord),
      hash: r.hash,
    }));
  }

  /** Every record of a period in chain order, for JSON Lines and CSV export. */
  async *export(filter: {
    from?: string;
    to?: string;
  }): AsyncGenerator<StoredAuditRecord> {
    let after = 0;
    for (;;) {
      const page = await this.store.page(after, VERIFY_PAGE);
      if (page.length === 0) return;
      for (const row of page) {
        after = row.seq;
        if (filter.from && row.occurredAt < filter.from) continue;
        if (filter.to && row.occurredAt >= filter.to) continue;
        yield row;
      }
    }
  }
}
