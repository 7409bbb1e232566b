import type {
  GitopsChange,
  GitopsChangeStatus,
  GitopsMode,
} from '@gantry/plugin-gantry-common';
import type { Knex } from 'knex';
import {
  knexTransactions,
  type RunInTransaction,
  type Transaction,
} from '../kernel/transaction';
import type {
  GitopsChangeStore,
  GitopsChangeUpdate,
} from './GitopsChangeStore';

const TABLE = 'gantry_gitops_changes';

type Row = {
  id: string;
  request_id: string;
  entity_ref: string;
  version: string;
  environment: string;
  mode: string;
  repo_url: string;
  path: string;
  tag: string;
  digest: string | null;
  status: string;
  branch: string | null;
  commit_sha: string | null;
  url: string | null;
  error: string | null;
  attempts: number;
  created_at: string;
  updated_at: string;
};

const COLUMNS: Record<keyof GitopsChangeUpdate, keyof Row> = {
  status: 'status',
  mode: 'mode',
  repoUrl: 'repo_url',
  path: 'path',
  tag: 'tag',
  digest: 'digest',
  branch: 'branch',
  commitSha: 'commit_sha',
  url: 'url',
  error: 'error',
  attempts: 'attempts',
  updatedAt: 'updated_at',
};

function fromRow(r: Row): GitopsChange {
  return {
    id: r.id,
    requestId: r.request_id,
    entityRef: r.entity_ref,
    version: r.version,
    environment: r.environment,
    mode: r.mode as GitopsMode,
    repoUrl: r.repo_url,
    path: r.path,
    tag: r.tag,
    digest: r.digest ?? undefined,
    status: r.status as GitopsChangeStatus,
    branch: r.branch ?? undefined,
    commitSha: r.commit_sha ?? undefined,
    url: r.url ?? undefined,
    error: r.error ?? undefined,
    attempts: Number(r.attempts),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export class KnexGitopsChangeStore implements GitopsChangeStore {
  readonly transaction: RunInTransaction;

  constructor(private readonly db: Knex) {
    this.transaction = knexTransactions(db);
  }

  async insert(tx: Transaction, c: GitopsChange): Promise<boolean> {
    await tx(TABLE)
      .insert({
        id: c.id,
        request_id: c.requestId,
        entity_ref: c.entityRef,
        version: c.version,
        environment: c.environment,
        mode: c.mode,
        repo_url: c.repoUrl,
        path: c.path,
        tag: c.tag,
        digest: c.digest ?? null,
        status: c.status,
        branch: c.branch ?? null,
        commit_sha: c.commitSha ?? null,
        url: c.url ?? null,
        error: c.error ?? null,
        attempts: c.attempts,
        created_at: c.createdAt,
        updated_at: c.updatedAt,
      })
      .onConflict('request_id')
      .ignore();
    const stored = await tx<Row>(TABLE)
      .where({ request_id: c.requestId })
      .first('id');
    return stored?.id === c.id;
  }

  async getByRequest(requestId: string, tx?: Transaction) {
    let q = (tx ?? this.db)<Row>(TABLE).where({ request_id: requestId });
    if (tx && this.db.client.config.client === 'pg') q = q.forUpdate();
    const row = await q.first();
    return row ? fromRow(row) : undefined;
  }

  async update(tx: Transaction, id: string, fields: GitopsChangeUpdate) {
    const row: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(fields))
      row[COLUMNS[key as keyof GitopsChangeUpdate]] = value ?? null;
    await tx(TABLE).where({ id }).update(row);
  }

  async listForEntity(entityRef: string, limit = 200) {
    const rows = await this.db<Row>(TABLE)
      .where({ entity_ref: entityRef })
      .orderBy('created_at', 'desc')
      .limit(limit);
    return rows.map(fromRow);
  }
}
