// Reads a hosts inventory and decides every host's settings: the host's own
// entry first, then ~/.ssh/config for its alias, then the file's defaults,
// then OpenSSH's own defaults.
import { existsSync, readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import SSHConfig from 'ssh-config';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { InputError } from '../src/errors.js';
import { InventorySchema, type Ec2Discovery, type HostEntry, type Inventory, type ResolvedHost, type SshEndpoint } from '../src/protocol/hosts.js';
import { addressOf, type Ec2Instance } from './ec2.js';

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

/** Asks EC2 for the running instances an inventory's ec2 section names. */
export type Ec2Discover = (section: Ec2Discovery, file: string) => Promise<Ec2Instance[]>;

export async function loadInventory(file: string, context: InventoryContext, discover?: Ec2Discover): Promise<ResolvedHost[]> {
  const path = resolve(context.cwd, file);
  if (!existsSync(path)) throw new InputError(`${file}: no such hosts file`);
  const text = readFileSync(path, 'utf8');
  const home = context.home ?? homedir();
  const sshConfigPath = join(home, '.ssh', 'config');
  const sshConfig = context.sshConfig ?? (existsSync(sshConfigPath) ? readFileSync(sshConfigPath, 'utf8') : undefined);
  const raw = parseInventoryText(file, text);
  const { ec2 } = validateInventory(raw, file);
  if (ec2 && !discover) throw new InputError(`${file}: ec2: EC2 discovery is not available here`);
  const instances = ec2 && discover ? await discover(ec2, file) : [];
  return resolveInventory(raw, file, home, sshConfig, instances);
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

/** The inventory checked against its schema; the first problem names the file and field. */
export function validateInventory(raw: unknown, file: string): Inventory {
  const parsed = InventorySchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length > 0 ? `${issuePath(issue.path)}: ` : '';
    throw new InputError(`${file}: ${where}${issue.message}`);
  }
  return parsed.data;
}

/**
 * Every host with its settings decided. `ec2Instances` are what the
 * inventory's `ec2` section found (the caller asks EC2): each becomes a host
 * named by its instance id, dialled at its ~/.ssh/config HostName when it has
 * a Host entry, else at the address the section names.
 */
export function resolveInventory(raw: unknown, file: string, home: string, sshConfigText?: string, ec2Instances: readonly Ec2Instance[] = []): ResolvedHost[] {
  const inventory = validateInventory(raw, file);
  const { defaults = {}, ec2 } = inventory;
  const listed = inventory.hosts ?? [];
  const discovered = ec2 ? ec2Entries(ec2, ec2Instances, file) : [];
  const hosts = [...listed, ...discovered.map((d) => d.entry)];
  const lookup = aliasLookup(sshConfigText);
  const resolved = hosts.map((entry, index): ResolvedHost => {
    const alias = lookup(entry.host);
    const port = entry.port ?? (alias('Port')[0] ? Number(alias('Port')[0]) : undefined) ?? defaults.port ?? 22;
    const identity = entry.identityFile ?? alias('IdentityFile')[0] ?? defaults.identityFile;
    const identityFiles = identitiesOf(identity, home);
    const user = entry.user ?? alias('User')[0] ?? defaults.user ?? userInfo().username;
    const knownHosts = expandHome(entry.knownHosts ?? defaults.knownHosts ?? '~/.ssh/known_hosts', home);
    const jumpSpec = entry.proxyJump ?? alias('ProxyJump')[0] ?? defaults.proxyJump;
    const jumps = jumpSpec ? parseProxyJump(jumpSpec, `${file}: ${index < listed.length ? `hosts[${index}]` : 'ec2'}.proxyJump`).map((hop) => resolveHop(hop, lookup, { user, identity, knownHosts, home })) : [];
    return {
      name: entry.name ?? (port === 22 ? entry.host : `${entry.host}:${port}`),
      host: alias('HostName')[0] ?? discovered[index - listed.length]?.address() ?? entry.host,
      port,
      user,
      identityFiles,
      knownHosts,
      ...(jumps.length > 0 ? { jumps } : {}),
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

type AliasLookup = (name: string) => (key: string) => string[];

/** ~/.ssh/config's settings for a name, as OpenSSH computes them (first match wins). */
function aliasLookup(sshConfigText: string | undefined): AliasLookup {
  const sshConfig = sshConfigText ? SSHConfig.parse(sshConfigText) : undefined;
  return (name) => {
    const alias = (sshConfig?.compute(name) ?? {}) as Record<string, string | string[] | undefined>;
    return (key) => {
      const value = alias[key];
      return Array.isArray(value) ? value : value === undefined ? [] : [value];
    };
  };
}

function identitiesOf(identity: string | undefined, home: string): string[] {
  return identity ? [expandHome(identity, home)] : DEFAULT_IDENTITIES.map((name) => join(home, '.ssh', name)).filter((p) => existsSync(p));
}

interface JumpHop {
  user?: string;
  host: string;
  port?: number;
}

/** OpenSSH's ProxyJump: `none`, or `[user@]host[:port]` (or `ssh://[user@]host[:port]`) hops, comma-separated. */
export function parseProxyJump(spec: string, where: string): JumpHop[] {
  if (spec.trim() === 'none') return [];
  return spec.split(',').map((raw) => {
    const hop = raw.trim().replace(/^ssh:\/\//, '');
    const match = /^(?:([^@\s]+)@)?(\[[^\]]+\]|[^:@\s[\]]+)(?::(\d+))?$/.exec(hop);
    const port = match?.[3] === undefined ? undefined : Number(match[3]);
    if (!match || (port !== undefined && (port < 1 || port > 65535))) {
      throw new InputError(`${where}: "${raw.trim()}" is not a jump host; expected [user@]host[:port], comma-separated`);
    }
    return { ...(match[1] ? { user: match[1] } : {}), host: match[2]!.replace(/^\[|\]$/g, ''), ...(port !== undefined ? { port } : {}) };
  });
}

/** A jump host's settings: its own, then its ~/.ssh/config alias, then the target's key and known_hosts. */
function resolveHop(hop: JumpHop, lookup: AliasLookup, target: { user: string; identity: string | undefined; knownHosts: string; home: string }): SshEndpoint {
  const alias = lookup(hop.host);
  const port = hop.port ?? (alias('Port')[0] ? Number(alias('Port')[0]) : 22);
  return {
    name: port === 22 ? hop.host : `${hop.host}:${port}`,
    host: alias('HostName')[0] ?? hop.host,
    port,
    user: hop.user ?? alias('User')[0] ?? target.user,
    identityFiles: identitiesOf(alias('IdentityFile')[0] ?? target.identity, target.home),
    knownHosts: target.knownHosts,
  };
}

/** The instances an ec2 section found, as host entries; the address is asked only when no Host entry gives one. */
function ec2Entries(section: Ec2Discovery, instances: readonly Ec2Instance[], file: string): Array<{ entry: HostEntry; address: () => string }> {
  if (instances.length === 0) {
    const tags = Object.entries(section.tags).map(([key, value]) => `${key}=${value}`).join(', ');
    throw new InputError(`${file}: ec2: no running instance in ${section.region} has the tags ${tags}`);
  }
  const { region: _region, tags: _tags, address, ...settings } = section;
  return instances.map((instance) => ({
    entry: { ...settings, host: instance.id, name: instance.id, weight: 1 },
    address: () => {
      const found = addressOf(instance, address);
      if ('problem' in found) throw new InputError(`${file}: ec2: ${found.problem}`);
      return found.address;
    },
  }));
}
