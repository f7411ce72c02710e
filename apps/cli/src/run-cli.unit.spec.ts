import { LAG_COUNT_CAP } from '@helpdesk/projections/core/projection-status.js';
import type { CliCommand, CliIo } from './cli-command.js';
import { UsageError } from './cli-command.js';
import { COMMANDS } from './commands.js';
import { runCli } from './run-cli.js';

async function helpdesk(argv: string[], commands: readonly CliCommand[] = COMMANDS) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    env: {},
  };
  const code = await runCli(argv, io, commands, { version: '9.8.7' });
  return { code, stdout, stderr };
}

/** A command that records what it was given, to see what reaches it and what commander stops. */
function recorder() {
  const calls: (readonly string[])[] = [];
  let loads = 0;
  const command: CliCommand = {
    name: 'thing',
    summary: 'a thing',
    usage: 'Usage: helpdesk thing do <id> [--fast]\n\nDoes the thing, with care.',
    subcommands: [
      { name: 'do', summary: 'do it', arguments: '[id]', options: [{ flags: '--fast', description: 'quickly' }] },
      { name: 'undo', summary: 'undo it' },
    ],
    load: () => {
      loads++;
      return Promise.resolve(async (argv) => {
        calls.push(argv);
        if (argv.includes('bad')) throw new UsageError('bad is not an id');
        if (argv.includes('boom')) throw new Error('it broke');
        return 0;
      });
    },
  };
  return { command, calls, loads: () => loads };
}

describe('helpdesk (commander)', () => {
  it('prints its version and the help of every command, loading none of them', async () => {
    const { command, loads } = recorder();
    expect(await helpdesk(['--version'], [command])).toEqual({ code: 0, stdout: '9.8.7\n', stderr: '' });
    const help = await helpdesk(['--help']);
    expect(help.code).toBe(0);
    for (const { name } of COMMANDS) expect(help.stdout).toContain(name);
    expect(help.stdout).toContain(COMMANDS[0].summary.slice(0, 20));
    const thing = await helpdesk(['thing', '--help'], [command]);
    expect(thing.stdout).toMatch(/^Usage: helpdesk thing \[options\] \[command\]/);
    expect(thing.stdout).toContain('Does the thing, with care.');
    expect(thing.stdout).not.toContain('Usage: helpdesk thing do');
    const leaf = await helpdesk(['thing', 'do', '--help'], [command]);
    expect(leaf.stdout).toMatch(/^Usage: helpdesk thing do \[options\] \[id\]/);
    expect(leaf.stdout).toMatch(/--fast\s+quickly/);
    expect(loads()).toBe(0);
  });

  it('gives every command its options in its help', async () => {
    for (const command of COMMANDS) {
      for (const shape of command.subcommands ?? [command]) {
        const argv = command.subcommands ? [command.name, shape.name, '--help'] : [command.name, '--help'];
        const help = await helpdesk(argv);
        expect({ argv, code: help.code }).toEqual({ argv, code: 0 });
        for (const option of shape.options ?? []) expect(help.stdout).toContain(option.flags);
      }
    }
    const projections = await helpdesk(['projections', '--help']);
    expect(projections.stdout).toContain(`counted up to ${LAG_COUNT_CAP.toLocaleString('en-US')}`);
  });

  it('hands the command the arguments after its name, and returns its exit code', async () => {
    const { command, calls } = recorder();
    expect((await helpdesk(['thing', 'do', 'id-1', '--fast'], [command])).code).toBe(0);
    expect(calls).toEqual([['do', 'id-1', '--fast']]);
    const failed = await helpdesk(['thing', 'do', 'boom'], [command]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^helpdesk thing failed: Error: it broke/);
  });

  it.each([
    [
      ['pojections', 'status'],
      "helpdesk: unknown command 'pojections' (did you mean projections?); see helpdesk --help",
    ],
    [['frobnicate'], "helpdesk: unknown command 'frobnicate'; see helpdesk --help"],
    [
      ['projections', 'staus'],
      "helpdesk projections: unknown subcommand 'staus' (did you mean status?), expected status, check or rebuild; see helpdesk projections --help",
    ],
    [
      ['projections'],
      'helpdesk projections: a subcommand is required (status, check, rebuild); see helpdesk projections --help',
    ],
    [
      ['projections', 'status', '--fromat', 'json'],
      "helpdesk projections status: unknown option '--fromat'; see helpdesk projections status --help",
    ],
    [
      ['export', 'portal', 'acme', '--out'],
      "helpdesk export portal: option '--out <file>' argument missing; see helpdesk export portal --help",
    ],
    [
      ['projections', 'check', 'thread', '--all'],
      'helpdesk projections check: name one projection or pass --all; see helpdesk projections check --help',
    ],
    [
      ['mint-token', '--portal', 'acme', '--user', 'u', '--roles', 'root'],
      "helpdesk mint-token: --roles must list some of agent, admin, auditor, operator (got 'root'); see helpdesk mint-token --help",
    ],
  ])('refuses %j with one line naming the problem and the help, exit 2', async (argv, line) => {
    const run = await helpdesk(argv);
    expect(run).toEqual({ code: 2, stdout: '', stderr: `${line}\n` });
  });

  it('passes usage errors of the command itself through the same line', async () => {
    const { command } = recorder();
    expect(await helpdesk(['thing', 'do', 'bad'], [command])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'helpdesk thing do: bad is not an id; see helpdesk thing do --help\n',
    });
  });

  it('without a command says one is needed and prints the help on stderr, exit 2', async () => {
    const run = await helpdesk([]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^helpdesk: a command is required; see helpdesk --help\nUsage: helpdesk <command>/);
  });
});
