import { describe, expect, it } from 'vitest';

import {
  DEFAULT_EMBEDDED_DIR,
  describeServer,
  parseTarget,
  redactUrl,
} from '../../src/db/url.ts';
import { failure } from '../support/failure.ts';

describe('database URLs', () => {
  it('reads servers, memory, file:// and bare folders', () => {
    expect(parseTarget('postgres://u@h/db')).toEqual({
      kind: 'server',
      url: 'postgres://u@h/db',
    });
    expect(parseTarget('postgresql://u@h/db').kind).toBe('server');
    expect(parseTarget('memory://')).toEqual({
      kind: 'embedded',
      dataDir: undefined,
    });
    expect(parseTarget('file:///var/lib/fx')).toEqual({
      kind: 'embedded',
      dataDir: '/var/lib/fx',
    });
    expect(parseTarget('./data')).toEqual({
      kind: 'embedded',
      dataDir: './data',
    });
    expect(parseTarget(undefined)).toEqual({
      kind: 'embedded',
      dataDir: DEFAULT_EMBEDDED_DIR,
    });
  });

  it('refuses another scheme without showing its password', async () => {
    const error = await failure(
      Promise.resolve().then(() => parseTarget('mysql://root:pw@h/db')),
    );
    expect(error.message).toBe(
      'unsupported database URL scheme in mysql://root:***@h/db: use postgres://, memory:// or file://',
    );
  });

  it('hides the password and names host, port and database', () => {
    expect(redactUrl('postgres://app:s3cr%40t@db:6432/app')).toBe(
      'postgres://app:***@db:6432/app',
    );
    expect(redactUrl('postgres://app@db/app')).toBe('postgres://app@db/app');
    expect(describeServer('postgres://app:pw@db.internal:6432/orders')).toBe(
      'db.internal:6432/orders',
    );
    expect(describeServer('postgres://app@localhost/x?host=/tmp/sock')).toBe(
      '/tmp/sock:5432/x',
    );
    expect(describeServer('postgres://h')).toBe('h:5432/postgres');
  });
});

describe('passwords in URLs', () => {
  it.each([
    ['postgres://u:pa/ss@h/x', 'postgres://u:***@h/x'],
    ['postgres://u:p@ss@h/x', 'postgres://u:***@h/x'],
    [
      'postgres://u@h:5432/a?password=qp&sslmode=disable',
      'postgres://u@h:5432/a?password=***&sslmode=disable',
    ],
    [
      'https://user:pw@id.example.com/jwks',
      'https://user:***@id.example.com/jwks',
    ],
    ['postgres://app@db/app?x=a@b', 'postgres://app@db/app?x=a@b'],
  ])('hides the password of %s', (url, shown) => {
    expect(redactUrl(url)).toBe(shown);
  });

  it('refuses a key/value connection string instead of making a folder of it', () => {
    expect(() => parseTarget('host=127.0.0.1 password=Sup3r dbname=x')).toThrow(
      'the database URL looks like a key/value connection string (host=127.0.0.1 password=*** dbname=x): give a postgres:// URL instead',
    );
  });
});
