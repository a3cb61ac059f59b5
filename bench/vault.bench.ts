import { randomBytes } from 'node:crypto';

import type { Database } from '../src/db/shared.ts';
import { Keyring } from '../src/vault/keyring.ts';
import { reEncrypt } from '../src/vault/rotation.ts';
import { hex, Vault } from '../src/vault/store.ts';
import { benchDatabase } from './database.ts';
import {
  type Benchmark,
  type Measurement,
  measure,
  ratioOf,
} from './harness.ts';

// Limitation: the goal of 0.5 of the plain UPDATE is met only in some
// runs on a shared 2-core machine (0.40–0.44 typical, 0.56 once): the
// UPDATE moves no bytes to the client, while a re-encryption must fetch
// every ciphertext, decrypt and encrypt it in one Node.js thread and send
// it back. The fetch-and-write-back figure shows how much is transfer.
const COUNT = 100_000;
const SIZE = 256;
const BATCH = 1000;
const WORKERS = 4;
/** The guide's example: 1000 secrets re-encrypted in 45 s. */
const GUIDE_RATE = 1000 / 45;

async function seed(vault: Vault): Promise<void> {
  const value = 'x'.repeat(SIZE);
  const entries = Array.from(
    { length: COUNT },
    (_, i) => [`bench_${i}`, value] as [string, string],
  );
  await vault.import(entries, { batchSize: 5000 });
}

/** One batch of the plain UPDATE: relabel rows, no cryptography. */
async function relabelBatch(db: Database, from: number, to: number) {
  const { rowCount } = await db.query(
    `update vault.secrets set key_version = $2, updated_at = now()
     where id in (
       select id from vault.secrets where key_version = $1
       order by key_version, id limit $3 for update skip locked)`,
    [from, to, BATCH],
  );
  return rowCount;
}

async function relabel(db: Database, from: number, to: number) {
  const worker = async () => {
    while ((await relabelBatch(db, from, to)) > 0);
  };
  await Promise.all(Array.from({ length: WORKERS }, worker));
}

/**
 * One batch that does everything a re-encryption does but the
 * cryptography: lock and fetch the rows, send the same bytes back.
 */
async function roundTripBatch(db: Database, from: number, to: number) {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{
      id: string;
      ciphertext: Buffer;
      nonce: Buffer;
    }>(
      `select id, ciphertext, nonce from vault.secrets
       where key_version = $1 order by key_version, id limit $2
       for update skip locked`,
      [from, BATCH],
    );
    if (rows.length === 0) return 0;
    await tx.query(
      `update vault.secrets s
       set ciphertext = decode(u.c, 'hex'), nonce = decode(u.n, 'hex'),
           key_version = $4, updated_at = now()
       from unnest($1::uuid[], $2::text[], $3::text[]) as u(id, c, n)
       where s.id = u.id`,
      [
        rows.map((r) => r.id),
        rows.map((r) => hex(r.ciphertext)),
        rows.map((r) => hex(r.nonce)),
        to,
      ],
    );
    return rows.length;
  });
}

async function roundTrip(db: Database, from: number, to: number) {
  const worker = async () => {
    while ((await roundTripBatch(db, from, to)) > 0);
  };
  await Promise.all(Array.from({ length: WORKERS }, worker));
}

async function measureRotation(
  vault: Vault,
  name: string,
  from: number,
  batchSize: number,
): Promise<Measurement> {
  vault.keyring.setActive(from + 1);
  await vault.db.exec('vacuum analyze vault.secrets');
  return measure(name, COUNT, async () => {
    const result = await reEncrypt(vault, {
      fromVersion: from,
      toVersion: from + 1,
      batchSize,
      concurrency: WORKERS,
    });
    if (result.remaining !== 0 || result.updated !== COUNT) {
      throw new Error(`re-encryption left ${result.remaining} secrets`);
    }
  });
}

export default {
  name: 'vault re-encrypt: 100k secrets of 256 bytes',
  async run() {
    const { db, drop } = await benchDatabase(WORKERS + 4);
    try {
      const ring = new Keyring(
        [1, 2, 3].map((v) => [v, randomBytes(32)] as [number, Buffer]),
        1,
      );
      const vault = new Vault(db, ring);
      await seed(vault);
      await db.query(
        `insert into vault.keys (version, fingerprint, state)
         values (9, repeat('0', 64), 'decrypt_only')`,
      );

      await relabel(db, 1, 9);
      await db.exec('vacuum analyze vault.secrets');
      const plain = await measure(
        `plain batched UPDATE (batch ${BATCH}, ${WORKERS} workers)`,
        COUNT,
        () => relabel(db, 9, 1),
      );
      await db.exec('vacuum analyze vault.secrets');
      const trip = await measure(
        `fetch and write back, no crypto (batch ${BATCH}, ${WORKERS} w.)`,
        COUNT,
        () => roundTrip(db, 1, 9),
      );
      await relabel(db, 9, 1);
      const rotate = await measureRotation(
        vault,
        `re-encrypt (batch ${BATCH}, ${WORKERS} workers)`,
        1,
        BATCH,
      );
      const defaults = await measureRotation(
        vault,
        `re-encrypt (CLI defaults: batch 100, ${WORKERS} workers)`,
        2,
        100,
      );
      const guide: Measurement = { name: 'guide', ops: 1000, seconds: 45 };
      return {
        measurements: [plain, trip, rotate, defaults],
        ratios: [
          ratioOf('re-encrypt / plain UPDATE', rotate, plain, 0.5),
          ratioOf('re-encrypt / fetch and write back', rotate, trip),
          ratioOf('re-encrypt (defaults) / plain UPDATE', defaults, plain),
          ratioOf('re-encrypt / the guide (1000 in 45 s)', rotate, guide, 1000),
        ],
        notes: [
          `${db.kind} database; every secret is decrypted and encrypted again; the guide's rate is ${GUIDE_RATE.toFixed(1)}/s`,
        ],
      };
    } finally {
      await drop();
    }
  },
} satisfies Benchmark;
