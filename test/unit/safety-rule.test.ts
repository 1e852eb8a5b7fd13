// Goal: the type-aware safety rule (polylab/read-only-network) fires on every planted way of sending a write — constants, aliases, computed strings, wrappers, interface members, escapes, casts, inits it cannot prove (parsed, spread, from a call), other programs, code strings, computed imports, reflection — passes every planted read (a Worker from a file included), and passes src.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import polylab from '../../eslint-rules/index.js';
import { nonReads } from '../integration/fakes/readOnly.ts';
import { coinbase } from '../../src/venues/coinbase.ts';
import { ADAPTERS } from '../../src/venues/index.ts';

const PLANTED = 'test/safety/planted';

function linter(scope: string, serverFiles: string[] = []): ESLint {
  return new ESLint({
    cwd: process.cwd(),
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ['**/*.ts'],
        languageOptions: { parser: tseslint.parser, parserOptions: { projectService: true, tsconfigRootDir: process.cwd() } },
        plugins: { polylab },
        rules: { 'polylab/read-only-network': ['error', { scope: [scope], serverFiles }] },
      },
    ],
  });
}

/** Lines of `file` carrying the ✗ mark: exactly these must be reported. */
const marked = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .flatMap((l, i) => (/^\s*[^/\s].*\/\/ ✗/.test(l) ? [i + 1] : []));

async function reportedLines(eslint: ESLint, file: string): Promise<number[]> {
  const [r] = await eslint.lintFiles([file]);
  expect(
    r!.messages.filter((m) => m.ruleId !== 'polylab/read-only-network'),
    'no parse or config error',
  ).toEqual([]);
  return [...new Set(r!.messages.map((m) => m.line))].sort((a, b) => a - b);
}

describe('polylab/read-only-network', () => {
  it.each(['http.ts', 'sockets.ts', 'escapes.ts'])(
    'reports every planted write in bad/%s, and only those lines',
    async (name) => {
      const file = `${PLANTED}/bad/${name}`;
      const lines = marked(file);
      expect(lines.length).toBeGreaterThan(10);
      expect(await reportedLines(linter(`${PLANTED}/bad`), file)).toEqual(lines);
    },
    240_000,
  );

  it('passes every planted read: GET in all its spellings, subscribe and ping frames through wrappers, adapters and options', async () => {
    expect(await reportedLines(linter(`${PLANTED}/good`), `${PLANTED}/good/reads.ts`)).toEqual([]);
  }, 240_000);

  it('lets the API room push to its own clients, but not open a client socket or POST', async () => {
    const file = `${PLANTED}/server/api.ts`;
    expect(await reportedLines(linter(`${PLANTED}/server`, [`${PLANTED}/server`]), file)).toEqual(marked(file));
  }, 240_000);

  // The real src, with one frame or request turned into a write in memory: the rule must
  // follow the frame from where it is built (a venue) to where it is sent (the socket).
  const mutations: Array<[string, string, string, string, string]> = [
    ['an OKX ping becomes POST', 'src/venues/okx.ts', "frame: () => 'ping'", "frame: () => 'POST'", 'src/net/socket.ts'],
    ['a Coinbase subscribe becomes an order', 'src/venues/coinbase.ts', "type: 'subscribe'", "type: 'order'", 'src/net/socket.ts'],
    [
      'the Polymarket subscribe frame gains an auth field',
      'src/polymarket/wire/clobWsMessages.ts',
      "type: 'market', custom_feature_enabled: true",
      "type: 'market', auth: 'k', custom_feature_enabled: true",
      'src/net/socket.ts',
    ],
    [
      'the PolyBolt auth frame gains an order field',
      'src/polymarket/wire/polyboltAuth.ts',
      "op: 'auth', rid: 'a1',",
      "op: 'auth', rid: 'a1', order: 1,",
      'src/net/socket.ts',
    ],
    [
      'the PolyBolt auth frame is built outside the one file allowed to build it',
      'src/polymarket/polybolt.ts',
      'return [this.opts.credentials.authFrame()];',
      "return [JSON.stringify({ op: 'auth', rid: 'a1', auth: { apiKey: 'k', secret: 's', passphrase: 'p' } })];",
      'src/net/socket.ts',
    ],
    [
      'the PolyBolt subscribe frame turns into an auth frame',
      'src/polymarket/wire/polyboltMessages.ts',
      "op: 'subscribe',",
      "op: 'auth',",
      'src/net/socket.ts',
    ],
    [
      'a venue reply is built from a computed string',
      'src/venues/venueFeed.ts',
      'return { reply: r.reply };',
      "return { reply: ['PO', 'ST'].join('') };",
      'src/net/socket.ts',
    ],
    [
      'the one HTTP GET (Gamma, CLOB REST, doctor) gains a method constant',
      'src/net/httpBody.ts',
      'await fetch(url, { signal: ctl.signal,',
      'await fetch(url, { method: VERB, signal: ctl.signal,',
      'src/net/httpBody.ts',
    ],
  ];

  it('passes the socket and HTTP GET files of src as they are', async () => {
    for (const file of new Set(mutations.map((m) => m[4]))) expect(await lintSrc(file, new Map()), file).toEqual([]);
  }, 240_000);

  it.each(mutations)(
    'fails src when %s',
    async (_name, file, from, to, reportedIn) => {
      const original = readFileSync(file, 'utf8');
      expect(original, `${file} still contains the text this test mutates`).toContain(from);
      let text = original.replace(from, to);
      if (to.includes('VERB')) text += "\nconst VERB = 'POST';\n";
      const dirty = await lintSrc(reportedIn, new Map([[file, text]]));
      expect(dirty.length, dirty.join('\n')).toBeGreaterThan(0);
      for (const m of dirty) expect(m).toMatch(/polylab\/read-only-network/);
    },
    240_000,
  );
});

const TSCONFIG = ts.getParsedCommandLineOfConfigFile(
  'tsconfig.json',
  {},
  { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined },
)!;
let cleanProgram: ts.Program | undefined;

/** The src program with some files' text replaced in memory (unchanged files are reused from the clean one). */
function programWith(overrides: Map<string, string>): ts.Program {
  const byPath = new Map([...overrides].map(([f, t]) => [resolve(f), t]));
  const host = ts.createCompilerHost(TSCONFIG.options, true);
  const read = host.readFile.bind(host);
  host.readFile = (f) => byPath.get(resolve(f)) ?? read(f);
  const rootNames = TSCONFIG.fileNames.filter((f) => f.includes('/src/'));
  const program = ts.createProgram({ rootNames, options: TSCONFIG.options, host, oldProgram: cleanProgram });
  if (overrides.size === 0) cleanProgram = program;
  return program;
}

/** Lints one src file with the production rule options against `programWith(overrides)`. */
async function lintSrc(file: string, overrides: Map<string, string>): Promise<string[]> {
  const program = overrides.size === 0 && cleanProgram ? cleanProgram : programWith(overrides);
  const eslint = new ESLint({
    cwd: process.cwd(),
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ['**/*.ts'],
        languageOptions: { parser: tseslint.parser, parserOptions: { programs: [program] } },
        plugins: { polylab },
        rules: {
          'polylab/read-only-network': [
            'error',
            { scope: ['src'], serverFiles: ['src/api'], authFrameFiles: ['src/polymarket/wire/polyboltAuth.ts'] },
          ],
        },
      },
    ],
  });
  const [r] = await eslint.lintText(overrides.get(file) ?? readFileSync(file, 'utf8'), { filePath: file });
  return r!.messages.map((m) => `${file}:${m.line} ${m.ruleId ?? 'parse'}: ${m.message}`);
}

describe('the runtime net (what the integration fakes received)', () => {
  it('accepts every subscribe and ping frame the venue adapters build, and GET', () => {
    const frames = Object.values(ADAPTERS).flatMap((a) => [...a.subscribe(a.defaultSymbol), ...(a.ping ? [a.ping.frame()] : [])]);
    expect(frames.length).toBeGreaterThanOrEqual(6);
    expect(nonReads({ methods: ['GET', 'HEAD'], frames })).toEqual([]);
  });

  it('names every write: a POST, an order frame, an auth field, a frame that does not say what it is', () => {
    const writes = [
      '{"op":"order","args":[]}',
      JSON.stringify({ ...(JSON.parse(coinbase.subscribe('BTC-USD')[0]!) as object), auth: 'k' }),
      '{"args":[1]}',
      'place',
    ];
    expect(nonReads({ methods: ['GET', 'POST'], frames: writes })).toHaveLength(5);
  });
});
