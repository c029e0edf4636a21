import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import bcrypt from 'bcryptjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';

import { freePort } from '../db/scratch-database';
import { testSql } from '../test/ingest-harness';

const sql = testSql();
let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'operator-script-'));
});
afterAll(async () => {
  await sql.end({ timeout: 5 });
  await rm(dataDir, { recursive: true, force: true });
});

/** Runs the script as `npm run operator:create` would, with a time limit. */
function run(
  args: string[],
  env: Record<string, string | undefined>,
  stdin?: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'scripts/create-operator.ts', ...args],
      {
        env: {
          ...process.env,
          DATABASE_URL: undefined,
          OPERATOR_PASSWORD: undefined,
          ...env,
        },
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(stdin ?? '');
  });
}

const username = `cli-${randomBytes(4).toString('hex')}`;

describe('npm run operator:create', () => {
  it('creates an operator with a bcrypt hash and an audit entry', async () => {
    const args = ['--username', username.toUpperCase(), '--role', 'operator'];
    const result = await run([...args, '--tenants', 'tenant-a,tenant-b'], {
      DATABASE_URL: inject('databaseUrl'),
      OPERATOR_PASSWORD: 'a password from the env',
      DATA_DIR: dataDir,
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Created operator ${username}`);
    const [row] = await sql`
      select id, role, tenant_ids, password_hash from operators where username = ${username}
    `;
    expect(row).toMatchObject({
      role: 'operator',
      tenant_ids: ['tenant-a', 'tenant-b'],
    });
    expect(row!.password_hash).toMatch(/^\$2[aby]\$12\$/);
    expect(
      await bcrypt.compare('a password from the env', row!.password_hash),
    ).toBe(true);
    const [entry] = await sql`
      select actor_kind, actor_name from audit_entries
      where action = 'operator.create' and target_id = ${row!.id}
    `;
    expect(entry!.actor_kind).toBe('cli');
    expect(entry!.actor_name).toMatch(/^command line \(/);
  });

  it('refuses a taken username unless told to update, then reads stdin', async () => {
    const env = { DATABASE_URL: inject('databaseUrl'), DATA_DIR: dataDir };
    const again = await run(
      ['--username', username, '--role', 'viewer', '--tenants', 'all'],
      {
        ...env,
        OPERATOR_PASSWORD: 'another long password',
      },
    );
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('exists already; pass --update');

    const updated = await run(
      [
        '--username',
        username,
        '--role',
        'viewer',
        '--tenants',
        'all',
        '--update',
      ],
      env,
      'a password from a pipe\n',
    );
    expect(updated.stderr).toBe('');
    expect(updated.code).toBe(0);
    const [row] = await sql`
      select role, tenant_ids, password_hash, disabled from operators where username = ${username}
    `;
    expect(row).toMatchObject({
      role: 'viewer',
      tenant_ids: null,
      disabled: false,
    });
    expect(
      await bcrypt.compare('a password from a pipe', row!.password_hash),
    ).toBe(true);
  });

  it('says plainly that the embedded database is not running', async () => {
    const result = await run(['--username', 'nobody', '--role', 'admin'], {
      EMBEDDED_DATABASE_PORT: String(await freePort()),
      OPERATOR_PASSWORD: 'a long enough password',
      DATA_DIR: dataDir,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/embedded database is not running/);
    expect(result.stderr).toMatch(/npm start/);
  });

  it('answers a wrong argument or a short password with what is wrong', async () => {
    const env = { DATABASE_URL: inject('databaseUrl'), DATA_DIR: dataDir };
    const role = await run(['--username', 'someone', '--role', 'root'], env);
    expect(role.code).toBe(1);
    expect(role.stderr).toMatch(
      /--role must be one of admin, operator, viewer, service/,
    );
    expect(role.stderr).toContain('npm run operator:create');
    const short = await run(['--username', 'someone', '--role', 'admin'], {
      ...env,
      OPERATOR_PASSWORD: 'short',
    });
    expect(short.code).toBe(1);
    expect(short.stderr).toMatch(/at least 12 characters/);
  });
});
