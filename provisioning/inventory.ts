// Reads a hosts inventory and decides every host's settings: the host's own
// entry first, then ~/.ssh/config for its alias, then the file's defaults,
// then OpenSSH's own defaults.
import { existsSync, readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import SSHConfig from 'ssh-config';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { InputError } from '../src/errors.js';
import { InventorySchema, type ResolvedHost } from '../src/protocol/hosts.js';

const DEFAULT_IDENTITIES = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

export function expandHome(path: string, home = homedir()): string {
  return path === '~' ? home : path.startsWith('~/') ? join(home, path.slice(2)) : path;
}

function issuePath(path: readonly PropertyKey[]): string {
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i > 0 ? '.' : ''}${String(part)}`)).join('');
}

export interface InventoryContext {
  cwd: string;
  home?: string;
  /** contents of ~/.ssh/config, when there is one */
  sshConfig?: string;
}

export function loadInventory(file: string, context: InventoryContext): ResolvedHost[] {
  const path = resolve(context.cwd, file);
  if (!existsSync(path)) throw new InputError(`${file}: no such hosts file`);
  const text = readFileSync(path, 'utf8');
  const home = context.home ?? homedir();
  const sshConfigPath = join(home, '.ssh', 'config');
  const sshConfig = context.sshConfig ?? (existsSync(sshConfigPath) ? readFileSync(sshConfigPath, 'utf8') : undefined);
  return resolveInventory(parseInventoryText(file, text), file, home, sshConfig);
}

export function parseInventoryText(file: string, text: string): unknown {
  try {
    return file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    if (error instanceof YAMLParseError) {
      const where = error.linePos?.[0] ? `:${error.linePos[0].line}:${error.linePos[0].col}` : '';
      throw new InputError(`${file}${where}: not valid YAML: ${error.message.split('\n')[0]}`);
    }
    throw new InputError(`${file}: not valid JSON: ${(error as Error).message}`);
  }
}

export function resolveInventory(raw: unknown, file: string, home: string, sshConfigText?: string): ResolvedHost[] {
  const parsed = InventorySchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length > 0 ? `${issuePath(issue.path)}: ` : '';
    throw new InputError(`${file}: ${where}${issue.message}`);
  }
  const { defaults = {}, hosts } = parsed.data;
  const sshConfig = sshConfigText ? SSHConfig.parse(sshConfigText) : undefined;
  const resolved = hosts.map((entry): ResolvedHost => {
    const alias = (sshConfig?.compute(entry.host) ?? {}) as Record<string, string | string[] | undefined>;
    const aliasValue = (key: string) => {
      const value = alias[key];
      return Array.isArray(value) ? value : value === undefined ? [] : [value];
    };
    const port = entry.port ?? (aliasValue('Port')[0] ? Number(aliasValue('Port')[0]) : undefined) ?? defaults.port ?? 22;
    const identity = entry.identityFile ?? aliasValue('IdentityFile')[0] ?? defaults.identityFile;
    const identityFiles = identity
      ? [expandHome(identity, home)]
      : DEFAULT_IDENTITIES.map((name) => join(home, '.ssh', name)).filter((p) => existsSync(p));
    const hostName = aliasValue('HostName')[0] ?? entry.host;
    return {
      name: entry.name ?? (port === 22 ? entry.host : `${entry.host}:${port}`),
      host: hostName,
      port,
      user: entry.user ?? aliasValue('User')[0] ?? defaults.user ?? userInfo().username,
      identityFiles,
      knownHosts: expandHome(entry.knownHosts ?? defaults.knownHosts ?? '~/.ssh/known_hosts', home),
      workDir: entry.workDir ?? defaults.workDir ?? '.squall',
      node: entry.node ?? defaults.node ?? 'node',
      ...((entry.browserPath ?? defaults.browserPath) ? { browserPath: entry.browserPath ?? defaults.browserPath } : {}),
      weight: entry.weight,
      ...(entry.maxVUs !== undefined ? { maxVus: entry.maxVUs } : {}),
    };
  });
  const seen = new Set<string>();
  resolved.forEach((host, i) => {
    if (seen.has(host.name)) throw new InputError(`${file}: hosts[${i}]: "${host.name}" is listed twice; give one a different name`);
    seen.add(host.name);
  });
  return resolved;
}
