import { readFile } from 'node:fs/promises';
import { SourceMap } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `npx tsx bench/profile-summary.ts <file.cpuprofile> [top]`: where a V8 CPU
 * profile of the gateway (`npm run bench -- --profile`) spent its time.
 * Next.js ships the app minified, so frames in `.next/server` chunks are
 * mapped back to their source files through the chunks' source maps. It
 * prints the share of samples by area (idle, GC, Next.js, postgres.js, our
 * own files, ...), self time per source file, and inclusive time per own
 * source file (a sample counts once for each file on its stack).
 */
type CallFrame = {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
};
type ProfileNode = { id: number; callFrame: CallFrame; children?: number[] };
type Profile = {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
};

const maps = new Map<string, SourceMap | null>();

async function sourceMapFor(url: string): Promise<SourceMap | null> {
  if (maps.has(url)) return maps.get(url)!;
  let map: SourceMap | null = null;
  try {
    const file = fileURLToPath(url);
    map = new SourceMap(JSON.parse(await readFile(`${file}.map`, 'utf8')));
  } catch {
    map = null;
  }
  maps.set(url, map);
  return map;
}

/** A frame's place: an area for libraries, a source file for our code. */
async function locate(
  frame: CallFrame,
): Promise<{ area: string; where: string }> {
  const { url, functionName: name } = frame;
  if (url === '') {
    if (name === '(garbage collector)') return { area: 'GC', where: name };
    if (name === '(idle)') return { area: 'idle', where: name };
    if (name === '(program)') return { area: 'V8/native', where: name };
    return { area: 'V8/native', where: name || '(anonymous native)' };
  }
  if (url.startsWith('node:'))
    return { area: 'node internals', where: `${url} ${name}` };
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg && !url.includes('/.next/')) {
    return { area: pkg[1]!, where: `${pkg[1]} ${name || '(anonymous)'}` };
  }
  if (url.includes('/.next/server/')) {
    const map = await sourceMapFor(url);
    const entry = map?.findEntry(frame.lineNumber, frame.columnNumber) as
      { originalSource?: string } | undefined;
    const source = entry?.originalSource ?? '';
    const inPkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source);
    if (inPkg)
      return { area: `${inPkg[1]} (bundled)`, where: `${inPkg[1]} (bundled)` };
    const own = /(?:^|\/)((?:app|server|db)\/.+)$/.exec(
      source.replace(/^turbopack:\/\/\/\[project\]\//, ''),
    );
    if (own) return { area: 'our code (bundled)', where: own[1]! };
    return {
      area: 'next runtime (bundled)',
      where: source || path.basename(url),
    };
  }
  return { area: 'other', where: `${url} ${name}` };
}

async function main() {
  const [file, topText] = process.argv.slice(2);
  if (!file)
    throw new Error(
      'usage: tsx bench/profile-summary.ts <file.cpuprofile> [top]',
    );
  const top = Number(topText ?? 30);
  const profile = JSON.parse(await readFile(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);
  const placeOf = new Map<number, { area: string; where: string }>();
  for (const node of profile.nodes)
    placeOf.set(node.id, await locate(node.callFrame));

  const self = new Map<string, number>();
  const area = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    const place = placeOf.get(id)!;
    total += delta;
    if (place.area !== 'idle') busy += delta;
    self.set(place.where, (self.get(place.where) ?? 0) + delta);
    area.set(place.area, (area.get(place.area) ?? 0) + delta);
    const seen = new Set<string>();
    for (
      let at: number | undefined = id;
      at !== undefined;
      at = parent.get(at)
    ) {
      const p = placeOf.get(at)!;
      const key = p.area === 'our code (bundled)' ? p.where : `[${p.area}]`;
      if (!seen.has(key)) {
        seen.add(key);
        inclusive.set(key, (inclusive.get(key) ?? 0) + delta);
      }
    }
    void byId;
  });
  const ms = (us: number) => `${(us / 1000).toFixed(0).padStart(8)} ms`;
  const share = (us: number) =>
    `${((us / busy) * 100).toFixed(1).padStart(5)}%`;
  const print = (
    title: string,
    entries: Map<string, number>,
    count: number,
  ) => {
    process.stdout.write(`\n${title}\n`);
    [...entries]
      .filter(([key]) => key !== '(idle)' && key !== '[idle]')
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .forEach(([key, us]) =>
        process.stdout.write(`${ms(us)} ${share(us)}  ${key}\n`),
      );
  };
  process.stdout.write(
    `${file}\nsampled ${(total / 1e6).toFixed(1)} s, busy ${(busy / 1e6).toFixed(1)} s ` +
      `(shares below are of busy time)\n`,
  );
  print('self time by area', area, 40);
  print('self time by place', self, top);
  print('inclusive time (our files by name, the rest by area)', inclusive, top);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
