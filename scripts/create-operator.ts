import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';

import { createSql, type Sql } from '../db/client';
import { ROLES, type Caller, type Role } from '../server/auth/caller';
import { createOperator } from '../server/auth/create-operator';
import { normalizeUsername, USERNAME } from '../server/auth/operator-view';
import { checkPasswordRules } from '../server/auth/password';
import { setOperatorPassword } from '../server/auth/set-operator-password';
import { updateOperator } from '../server/auth/update-operator';
import type { AuditActor } from '../server/audit/record-audit';
import { ConfigError, loadConfig } from '../server/config';
import { createLogger } from '../server/logger';
import {
  ensureSessionSecret,
  readSessionSecret,
  sessionSecretPath,
} from '../server/runtime/ensure-session-secret';
import { redactUrl } from '../server/runtime/open-database';

const USAGE = `Adds an operator who can sign in to the console.

  npm run operator:create -- --username <name> --role <role> [--tenants <list>] [--update]

  --username  3 to 64 characters of a-z 0-9 . _ - (stored lowercase)
  --role      admin, operator, viewer or service
  --tenants   comma-separated tenant ids, or "all"; an admin is always "all"
  --update    the username exists: set its password, role and tenants, and enable it

The password is read from OPERATOR_PASSWORD, else from standard input (piped,
or typed at a prompt that does not echo). At least 12 characters.

With DATABASE_URL unset this writes to the embedded database that \`npm start\`
runs, on 127.0.0.1 at EMBEDDED_DATABASE_PORT (54329): start the gateway first.
`;

/** What a prompt or a pipe may hand over, and how long we wait for it. */
const MAX_PASSWORD_INPUT = 1024;
const STDIN_TIMEOUT_MS = 5 * 60 * 1000;

/** A wrong or missing argument: answered with the usage. */
class UsageError extends Error {}
/** Anything else the script refuses, said in a sentence. */
class Refusal extends Error {}

type Options = {
  username: string;
  role: Role;
  tenants: Caller['tenants'];
  update: boolean;
};

function readOptions(argv: string[]): Options {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        username: { type: 'string' },
        role: { type: 'string' },
        tenants: { type: 'string' },
        update: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }));
  } catch (error) {
    throw new UsageError(
      error instanceof Error ? error.message : String(error),
    );
  }
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const username = normalizeUsername(values.username ?? '');
  if (!USERNAME.test(username)) {
    throw new UsageError(
      '--username must be 3 to 64 characters of a-z 0-9 . _ -',
    );
  }
  const role = ROLES.find((known) => known === values.role);
  if (role === undefined)
    throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
  const listed = values.tenants?.trim();
  let tenants: Caller['tenants'];
  if (listed === undefined || listed === 'all') {
    if (listed === undefined && role !== 'admin') {
      throw new UsageError(
        `--tenants is needed for the role ${role} (a list, or "all")`,
      );
    }
    tenants = 'all';
  } else {
    const list = [...new Set(listed.split(',').map((tenant) => tenant.trim()))];
    if (list.some((tenant) => !/^[A-Za-z0-9_-]{1,64}$/.test(tenant))) {
      throw new UsageError(
        '--tenants must be ids of 1 to 64 characters of A-Z a-z 0-9 _ -',
      );
    }
    if (role === 'admin') {
      throw new UsageError(
        'an admin is over every tenant: leave out --tenants',
      );
    }
    tenants = list;
  }
  return { username, role, tenants, update: values.update };
}

/** The password from the environment, a pipe, or a prompt that does not echo. */
async function readPassword(): Promise<string> {
  const fromEnv = process.env.OPERATOR_PASSWORD;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (!process.stdin.isTTY) return (await readPiped()).replace(/\r?\n$/, '');
  const first = await promptHidden('Password: ');
  const again = await promptHidden('Again: ');
  if (first !== again) throw new Refusal('the two passwords differ');
  return first;
}

function readPiped(): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => {
      process.stdin.destroy();
      reject(new Refusal('no password arrived on standard input'));
    }, STDIN_TIMEOUT_MS);
    process.stdin.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_PASSWORD_INPUT) {
        clearTimeout(timer);
        process.stdin.destroy();
        reject(new Refusal('standard input holds more than a password'));
        return;
      }
      chunks.push(chunk);
    });
    process.stdin.on('end', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    process.stdin.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    let typed = '';
    const finish = (error?: Error) => {
      clearTimeout(timer);
      stdin.setRawMode(false);
      stdin.pause();
      stdin.removeListener('data', onData);
      process.stdout.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const timer = setTimeout(
      () => finish(new Refusal('no password typed')),
      STDIN_TIMEOUT_MS,
    );
    const onData = (chunk: Buffer) => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n') return finish();
        if (char === '\u0003') return finish(new Refusal('cancelled'));
        if (char === '\u007f' || char === '\b')
          typed = [...typed].slice(0, -1).join('');
        else if (typed.length < MAX_PASSWORD_INPUT) typed += char;
      }
    };
    process.stdout.write(question);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}

/** Connects, or says plainly why not and what to do. */
async function openDatabase(url: string, embedded: boolean): Promise<Sql> {
  const sql = createSql(url, { max: 2 });
  try {
    await sql`select 1`;
  } catch (error) {
    await sql.end({ timeout: 1 });
    const why = error instanceof Error ? error.message : String(error);
    throw new Refusal(
      embedded
        ? `The embedded database is not running at ${redactUrl(url)} (${why}).\n` +
            'It runs only while `npm start` does: start the gateway first, or set ' +
            'DATABASE_URL to your database.'
        : `Could not reach DATABASE_URL ${redactUrl(url)}: ${why}`,
    );
  }
  const [found] = await sql<{ table: string | null }[]>`
    select to_regclass('operators')::text as table
  `;
  if (!found?.table) {
    await sql.end({ timeout: 1 });
    throw new Refusal(
      'The database has no operators table yet: run `npm run db:migrate` ' +
        '(`npm start` applies the migrations too).',
    );
  }
  return sql;
}

async function main() {
  const options = readOptions(process.argv.slice(2));
  const config = loadConfig();
  const embedded = config.databaseUrl === undefined;
  const url =
    config.databaseUrl ??
    `postgres://postgres:postgres@127.0.0.1:${config.embeddedDatabasePort}/gateway`;
  const password = await readPassword();
  const problem = checkPasswordRules(password);
  if (problem !== null) throw new Refusal(`the password ${problem}`);

  const sql = await openDatabase(url, embedded);
  const user = userInfo().username;
  const actor: AuditActor = {
    kind: 'cli',
    id: `cli:${user}`,
    name: `command line (${user})`,
  };
  try {
    const created = await createOperator(sql, { ...options, password }, actor);
    if (created.ok) {
      process.stdout.write(
        `Created ${options.role} ${created.value.username} (${created.value.id}) over ` +
          `${options.tenants === 'all' ? 'every tenant' : options.tenants.join(', ')}.\n`,
      );
    } else if (!options.update) {
      throw new Refusal(
        `An operator named ${options.username} exists already; pass --update to set ` +
          'their password, role and tenants.',
      );
    } else {
      const [row] = await sql<{ id: string }[]>`
        select id from operators where username = ${options.username}
      `;
      if (!row) throw new Refusal(`operator ${options.username} vanished`);
      await setOperatorPassword(sql, row.id, password, actor);
      const updated = await updateOperator(
        sql,
        row.id,
        { role: options.role, tenants: options.tenants, disabled: false },
        actor,
      );
      if (!updated.ok) throw new Refusal(`could not update: ${updated.reason}`);
      process.stdout.write(
        `Updated ${options.username}: new password, role ${options.role}, enabled; ` +
          'their earlier sessions have ended.\n',
      );
    }
  } finally {
    await sql.end({ timeout: 5 });
  }

  if (embedded) {
    const had = readSessionSecret(config.dataDir) !== undefined;
    await ensureSessionSecret(config, true, createLogger('silent'));
    if (!had && config.sessionSecret === undefined) {
      process.stdout.write(
        `Generated the console's session secret in ${sessionSecretPath(config.dataDir)}.\n`,
      );
    }
  } else if (config.sessionSecret === undefined) {
    process.stdout.write(
      'Note: SESSION_SECRET is not set, so the gateway refuses console sign-in until it is.\n',
    );
  }
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    process.stderr.write(`${error.message}\n\n${USAGE}`);
  } else if (error instanceof Refusal || error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`could not create the operator: ${String(error)}\n`);
  }
  process.exit(1);
});
