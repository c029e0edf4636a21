import { percentile } from './load';
import type { QueryTiming } from './queries';

type Page = { items: unknown[]; nextCursor: string | null };

/**
 * The console's own list procedures over HTTP (tRPC, plain JSON), measured
 * like the SQL in queries.ts: first page, page 50 by following the cursors,
 * a tenant filter and an md5 search, for deliveries, events and anomalies.
 * A procedure that is missing or fails is reported with its error instead.
 */
export async function measureConsoleApi(options: {
  url: string;
  token: string;
  bigTenant: string;
  smallTenant: string;
  md5: string;
  runs: number;
  budgetMs: number;
}): Promise<(QueryTiming & { error?: string })[]> {
  const call = async (
    procedure: string,
    input: Record<string, unknown>,
  ): Promise<Page> => {
    const query = encodeURIComponent(JSON.stringify(input));
    const response = await fetch(
      `${options.url}/api/trpc/${procedure}?input=${query}`,
      {
        headers: { authorization: `Bearer ${options.token}` },
      },
    );
    const body = (await response.json()) as {
      result?: { data?: Page };
      error?: unknown;
    };
    if (!response.ok || !body.result?.data) {
      throw new Error(
        `${procedure} answered ${response.status}: ${JSON.stringify(body.error).slice(0, 300)}`,
      );
    }
    return body.result.data;
  };
  const timings: (QueryTiming & { error?: string })[] = [];
  for (const list of ['deliveries', 'events', 'anomalies']) {
    const procedure = `${list}.list`;
    const cases: [string, Record<string, unknown> | null][] = [
      ['first', {}],
      ['page50', null],
      ['tenant.first', { tenantId: options.bigTenant }],
      ['smallTenant.first', { tenantId: options.smallTenant }],
      ['search.md5', { search: options.md5 }],
    ];
    for (const [name, given] of cases) {
      const label = `api ${list}.${name}`;
      try {
        let input = given;
        if (input === null) {
          let cursor: string | null = null;
          for (let page = 1; page < 50; page += 1) {
            const result: Page = await call(
              procedure,
              cursor ? { cursor } : {},
            );
            cursor = result.nextCursor;
            if (cursor === null) break;
          }
          if (cursor === null) continue;
          input = { cursor };
        }
        timings.push({
          ...(await time(label, () => call(procedure, input), options)),
        });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        timings.push({
          name: label,
          rows: 0,
          p50Ms: 0,
          p95Ms: 0,
          maxMs: 0,
          error: message,
        });
      }
    }
  }
  return timings;
}

async function time(
  name: string,
  run: () => Promise<Page>,
  options: { runs: number; budgetMs: number },
): Promise<QueryTiming> {
  for (let i = 0; i < 3; i += 1) await run();
  const samples: number[] = [];
  let rows = 0;
  const deadline = performance.now() + options.budgetMs;
  for (
    let i = 0;
    i < options.runs && (i < 20 || performance.now() < deadline);
    i += 1
  ) {
    const started = performance.now();
    rows = (await run()).items.length;
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  const round = (v: number) => Math.round(v * 100) / 100;
  return {
    name,
    rows,
    p50Ms: round(percentile(samples, 0.5)),
    p95Ms: round(percentile(samples, 0.95)),
    maxMs: round(samples.at(-1) ?? 0),
  };
}
