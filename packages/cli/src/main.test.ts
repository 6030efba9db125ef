import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { flagsInUsage } from './conventions/did-you-mean.js';
import { main } from './main.js';

const workDir = mkdtempSync(path.join(tmpdir(), 'cli-main-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));
writeFileSync(
  path.join(workDir, 'dns.yaml'),
  `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-dns, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
    - ports: [{protocol: UDP, port: 53}]
`,
);

interface RunOptions {
  readonly tty?: boolean;
  readonly env?: Record<string, string>;
}

async function run(args: string[], { tty = false, env = {} }: RunOptions = {}) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: { write: (text: string) => (stdout += text), isTTY: tty },
    stderr: { write: (text: string) => (stderr += text), isTTY: tty },
    cwd: workDir,
    env,
  });
  return { code, stdout, stderr };
}

const COMMAND_NAMES = ['render', 'generate', 'lint', 'audit', 'evidence', 'analyze', 'verify', 'diff'];
const packageVersion = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Exit 2, nothing on stdout, exactly one line on stderr. */
function expectOneLine(result: { code: number; stdout: string; stderr: string }, text: string): void {
  expect(result).toEqual({ code: 2, stdout: '', stderr: `k8s-security: ${text}\n` });
}

describe('k8s-security --version', () => {
  it('prints the version of the CLI package, from its package.json', async () => {
    expect(packageVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(await run(['--version'])).toEqual({ code: 0, stdout: `${packageVersion}\n`, stderr: '' });
    expect(await run(['-V'])).toEqual({ code: 0, stdout: `${packageVersion}\n`, stderr: '' });
  });

  it('is listed in the top-level help', async () => {
    const { code, stdout } = await run(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('-V, --version');
    expect(stdout).toContain("'k8s-security help <command>'");
  });
});

describe('k8s-security help', () => {
  it('prints the usage of the command it names, as <command> --help does', async () => {
    for (const name of COMMAND_NAMES) {
      const help = await run(['help', name]);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`^Usage: k8s-security ${name}\\b`));
      expect(help).toEqual(await run([name, '--help']));
    }
  });

  it('prints the top-level usage without a command', async () => {
    const { code, stdout } = await run(['help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: k8s-security <command>/);
  });

  it('answers a mistyped command with the one meant, in one line', async () => {
    expectOneLine(await run(['help', 'analyse']), `unknown command "analyse": did you mean "analyze"? Run 'k8s-security --help' for usage.`);
  });

  it('takes one command only', async () => {
    expectOneLine(await run(['help', 'lint', 'audit']), "help takes one command, e.g. 'k8s-security help analyze'");
  });
});

describe('unknown commands', () => {
  it('suggests the command a typo was meant to be, in one line with exit 2', async () => {
    expectOneLine(await run(['lnit', 'x.yaml']), `unknown command "lnit": did you mean "lint"? Run 'k8s-security --help' for usage.`);
    expectOneLine(await run(['--verison']), `unknown command "--verison": did you mean "--version"? Run 'k8s-security --help' for usage.`);
  });

  it('lists the commands when nothing is close', async () => {
    expectOneLine(await run(['deploy']), `unknown command "deploy": commands are ${COMMAND_NAMES.join(', ')}. Run 'k8s-security --help' for usage.`);
  });

  it('keeps exit code 2 and the usage on stdout when no command is given', async () => {
    const { code, stdout, stderr } = await run([]);
    expect(code).toBe(2);
    expect(stdout).toMatch(/^Usage: k8s-security <command>/);
    expect(stderr).toBe('');
  });
});

describe('unknown flags', () => {
  it('suggests the flag a typo was meant to be, in one line with exit 2', async () => {
    expectOneLine(await run(['analyze', 'dns.yaml', '--form', 'shop/a']), "Unknown option '--form'. Did you mean '--from'? Run 'k8s-security analyze --help' for the options.");
    expectOneLine(await run(['render', '--evn', 'dev']), "Unknown option '--evn'. Did you mean '--env'? Run 'k8s-security render --help' for the options.");
    expectOneLine(await run(['audit', 'dns.yaml', '--exlude', 'x']), "Unknown option '--exlude'. Did you mean '--exclude'? Run 'k8s-security audit --help' for the options.");
  });

  it('maps --format, the name other tools use, and its typos to --output', async () => {
    expectOneLine(await run(['lint', 'dns.yaml', '--form', 'json']), "Unknown option '--form'. Did you mean '--output'? Run 'k8s-security lint --help' for the options.");
    expectOneLine(await run(['lint', 'dns.yaml', '--format=json']), "Unknown option '--format'. Did you mean '--output'? Run 'k8s-security lint --help' for the options.");
  });

  it('says only that the flag is unknown when nothing is close', async () => {
    expectOneLine(await run(['lint', 'dns.yaml', '--colour']), "Unknown option '--colour'. Run 'k8s-security lint --help' for the options.");
  });

  it('gets every documented flag of every command back from a swap of its last two letters', async () => {
    for (const name of COMMAND_NAMES) {
      const { stdout: usage } = await run([name, '--help']);
      for (const flag of flagsInUsage(usage).filter((f) => f !== '--help')) {
        const typo = `${flag.slice(0, -2)}${flag.at(-1)}${flag.at(-2)}`;
        if (typo === flag) continue; // --all: swapping two equal letters makes no typo
        const { code, stderr } = await run([name, typo, 'x']);
        expect({ name, typo, code, stderr }).toEqual({ name, typo, code: 2, stderr: expect.stringContaining(`Did you mean '${flag}'?`) as unknown });
      }
    }
  });
});

describe('colour', () => {
  const ESCAPE = '\x1b[';

  it('colours the status column of a table on a terminal', async () => {
    const { code, stdout } = await run(['lint', 'dns.yaml'], { tty: true });
    expect(code).toBe(1);
    expect(stdout).toContain('\x1b[33mWARNING\x1b[39m NP002');
  });

  it('prints no escape sequence when NO_COLOR is set, on a pipe, or on a dumb terminal', async () => {
    const plain = await run(['lint', 'dns.yaml']);
    expect(plain.stdout).toContain('WARNING NP002');
    const cases: RunOptions[] = [{ tty: true, env: { NO_COLOR: '1' } }, { tty: false }, { tty: true, env: { TERM: 'dumb' } }];
    for (const options of cases) {
      const { stdout } = await run(['lint', 'dns.yaml'], options);
      expect(stdout).not.toContain(ESCAPE);
      expect(stdout).toBe(plain.stdout);
    }
  });

  it('treats an empty NO_COLOR as unset, as no-color.org says', async () => {
    expect((await run(['lint', 'dns.yaml'], { tty: true, env: { NO_COLOR: '' } })).stdout).toContain(ESCAPE);
  });

  it('never colours machine-readable formats', async () => {
    for (const format of ['json', 'sarif', 'junit', 'md']) {
      expect((await run(['lint', 'dns.yaml', '-o', format], { tty: true })).stdout).not.toContain(ESCAPE);
    }
  });
});

describe('progress', () => {
  it('writes nothing extra on stderr for a quick command, even on a terminal', async () => {
    for (const args of [['lint', 'dns.yaml'], ['audit', 'dns.yaml'], ['analyze', 'dns.yaml']]) {
      const { stderr } = await run(args, { tty: true });
      expect(stderr).not.toContain('\r');
    }
  });
});

describe('the README', () => {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const block = [...readme.matchAll(/^```text\n([\s\S]*?)^```$/gm)].map((match) => match[1]!).find((text) => text.includes('did you mean'));

  it('shows each mistyped command with the exact line the CLI prints', async () => {
    const lines = block!.trimEnd().split('\n');
    expect(lines).toHaveLength(6);
    for (let index = 0; index < lines.length; index += 2) {
      const args = lines[index]!.replace(/^\$ npx k8s-security /, '').split(' ');
      let stderr = '';
      const code = await main(args, { stdout: { write: () => true }, stderr: { write: (text: string) => (stderr += text) }, cwd: fileURLToPath(new URL('../../../', import.meta.url)) });
      expect({ args, code, stderr }).toEqual({ args, code: 2, stderr: `${lines[index + 1]}\n` });
    }
  });
});
