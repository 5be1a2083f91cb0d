// One SSH connection to a load host (ssh2): host key checked against
// known_hosts, keys from files or ssh-agent, keepalive on. Every failure comes
// back as a HostError whose message names the host and says what to do.
import { existsSync, readFileSync } from 'node:fs';
import { Client, type ClientChannel, type ConnectConfig, type ServerHostKeyAlgorithm, type SFTPWrapper } from 'ssh2';
import type { Duplex } from 'node:stream';
import type { ResolvedHost, SshEndpoint } from '../../src/protocol/hosts.js';
import { appendKnownHost, fingerprint, keyTypeOf, knownKeyTypes, readKnownHosts, verifyHostKey, type HostKeyVerdict } from './known-hosts.js';

export class HostError extends Error {
  override name = 'HostError';
  constructor(
    readonly host: string,
    readonly stage: 'connect' | 'host key' | 'auth' | 'probe' | 'upload' | 'start',
    /** what went wrong, without the host's name */
    readonly reason: string,
  ) {
    super(`${host}: ${reason}`);
  }
}

export interface ConnectOptions {
  acceptNewHostKeys: boolean;
  /** for the jump hosts (default: as acceptNewHostKeys) */
  acceptNewJumpKeys?: boolean;
  timeoutMs?: number;
  keepaliveMs?: number;
  env?: Readonly<Record<string, string | undefined>>;
}

export interface RemoteProcess {
  channel: ClientChannel;
  exited: Promise<{ code: number | null; signal: string | null }>;
  stdout(): string;
  stderr(): string;
}

/** Every host key algorithm ssh2 speaks, in its default order. */
const HOST_KEY_ALGORITHMS: ServerHostKeyAlgorithm[] = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

function algorithmsFor(keyType: string): string[] {
  return keyType === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [keyType];
}

export class SshConnection {
  private closed = false;
  /** the jump hosts' connections this one runs through, closed with it */
  private through: SshConnection[] = [];

  private constructor(
    readonly host: SshEndpoint,
    private readonly client: Client,
  ) {
    client.once('close', () => {
      this.closed = true;
      for (const jump of this.through) jump.close();
    });
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /** Connects to the host, through its jump hosts in order when it has any (each host key checked). */
  static async open(host: ResolvedHost, options: ConnectOptions): Promise<SshConnection> {
    const jumps: SshConnection[] = [];
    try {
      for (const hop of host.jumps ?? []) {
        const sock = jumps.length > 0 ? await jumps.at(-1)!.forwardOut(hop, options.timeoutMs ?? 20_000) : undefined;
        jumps.push(await SshConnection.openOne(hop, { ...options, acceptNewHostKeys: options.acceptNewJumpKeys ?? options.acceptNewHostKeys }, sock));
      }
    } catch (error) {
      for (const jump of jumps.reverse()) jump.close();
      const hop = error instanceof HostError ? error : new HostError(host.name, 'connect', (error as Error).message);
      throw new HostError(host.name, hop.stage, `through jump host ${hop.host}: ${hop.reason}`);
    }
    try {
      const target = await SshConnection.openOne(host, options, jumps.length > 0 ? await jumps.at(-1)!.forwardOut(host, options.timeoutMs ?? 20_000) : undefined);
      target.through = jumps.reverse();
      return target;
    } catch (error) {
      for (const jump of jumps.reverse()) jump.close();
      throw error;
    }
  }

  /** A channel from this host to `next`: the socket of the next hop's SSH connection. */
  private forwardOut(next: SshEndpoint, timeoutMs: number): Promise<Duplex> {
    return new Promise((resolve, reject) => {
      // The jump host's own TCP timeout for a silent target is minutes; ours is the connect timeout.
      const timer = setTimeout(() => reject(new HostError(next.name, 'connect', `unreachable from jump host ${this.host.name}: no answer in ${Math.round(timeoutMs / 1000)} s (${next.host}:${next.port})`)), timeoutMs);
      this.client.forwardOut('127.0.0.1', 0, next.host, next.port, (error, channel) => {
        clearTimeout(timer);
        if (error) return reject(new HostError(next.name, 'connect', `unreachable from jump host ${this.host.name}: ${error.message} (${next.host}:${next.port})`));
        resolve(channel);
      });
    });
  }

  private static async openOne(host: SshEndpoint, options: ConnectOptions, sock?: Duplex): Promise<SshConnection> {
    const entries = readKnownHosts(host.knownHosts);
    let verdict: (HostKeyVerdict & { offered: string; offeredType: string }) | undefined;
    const preferred = knownKeyTypes(entries, host.host, host.port).flatMap(algorithmsFor);
    const config: ConnectConfig = {
      host: host.host,
      port: host.port,
      ...(sock ? { sock } : {}),
      username: host.user,
      readyTimeout: options.timeoutMs ?? 20_000,
      keepaliveInterval: options.keepaliveMs ?? 5_000,
      keepaliveCountMax: 3,
      algorithms: {
        serverHostKey: [...new Set([...preferred, ...HOST_KEY_ALGORITHMS])] as ServerHostKeyAlgorithm[],
      },
      hostVerifier: (blob: Buffer) => {
        const keyType = keyTypeOf(blob);
        const key = blob.toString('base64');
        const result = verifyHostKey(entries, host.host, host.port, keyType, key);
        verdict = { ...result, offered: fingerprint(key), offeredType: keyType };
        if (result.kind === 'known') return true;
        if (result.kind === 'unknown' && options.acceptNewHostKeys) {
          appendKnownHost(host.knownHosts, host.host, host.port, keyType, key);
          return true;
        }
        return false;
      },
    };
    const tried: string[] = [];
    const agent = (options.env ?? process.env).SSH_AUTH_SOCK;
    const keyFile = host.identityFiles.find((file) => existsSync(file));
    if (host.identityFiles.length > 0 && !keyFile && !agent) {
      throw new HostError(host.name, 'auth', `identity file ${host.identityFiles[0]} does not exist, and no ssh-agent is running`);
    }
    if (keyFile) {
      config.privateKey = readFileSync(keyFile);
      tried.push(`key ${keyFile}`);
    }
    if (agent) {
      config.agent = agent;
      tried.push('ssh-agent');
    }
    if (tried.length === 0) {
      throw new HostError(host.name, 'auth', 'no identity file and no ssh-agent: set identityFile in the hosts file or start ssh-agent');
    }
    // Only what we have: ssh2 would otherwise ask for "none" first, a round trip to a host far away that no sshd says yes to.
    config.authHandler = [...(keyFile ? ['publickey' as const] : []), ...(agent ? ['agent' as const] : [])];
    const client = new Client();
    await new Promise<void>((resolve, reject) => {
      client.once('ready', () => resolve());
      client.once('error', (error: Error & { level?: string; code?: string }) => {
        reject(describeConnectError(host, error, verdict, tried));
      });
      try {
        client.connect(config);
      } catch (error) {
        reject(new HostError(host.name, 'auth', `cannot use ${keyFile}: ${(error as Error).message}; if it has a passphrase, add it to ssh-agent`));
      }
    });
    client.on('error', () => {});
    // Every command is a few small packets each way: with Nagle's algorithm and delayed ACKs they wait ~40 ms apiece.
    client.setNoDelay(true);
    return new SshConnection(host, client);
  }

  /** Starts a command; the caller may write to its stdin. */
  exec(command: string): Promise<RemoteProcess> {
    return new Promise((resolve, reject) => {
      this.client.exec(command, (error, channel) => {
        if (error) return reject(new HostError(this.host.name, 'start', `cannot run a command: ${error.message}`));
        let stdout = '';
        let stderr = '';
        channel.on('data', (data: Buffer) => (stdout = (stdout + data.toString()).slice(-64_000)));
        channel.stderr.on('data', (data: Buffer) => (stderr = (stderr + data.toString()).slice(-64_000)));
        const exited = new Promise<{ code: number | null; signal: string | null }>((done) => {
          let code: number | null = null;
          let signal: string | null = null;
          channel.on('exit', (c: number | null, s?: string) => {
            code = c;
            signal = s ?? null;
          });
          channel.on('close', () => done({ code, signal }));
        });
        resolve({ channel, exited, stdout: () => stdout, stderr: () => stderr });
      });
    });
  }

  /** Runs a command to its end. */
  async run(command: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const process = await this.exec(command);
    process.channel.end();
    const { code } = await process.exited;
    return { code, stdout: process.stdout(), stderr: process.stderr() };
  }

  sftp(): Promise<SFTPWrapper> {
    return new Promise((resolve, reject) => {
      this.client.sftp((error, sftp) => (error ? reject(new HostError(this.host.name, 'upload', `SFTP unavailable: ${error.message}`)) : resolve(sftp)));
    });
  }

  private remoteForward: Promise<number> | undefined;
  private acceptForwarded: ((stream: ClientChannel) => void) | undefined;

  /**
   * Listens on the host's loopback (a port it picks) and hands every
   * connection made there to `accept`: the agent reaches the controller
   * through this, with no inbound port opened anywhere.
   */
  forwardRemote(accept: (stream: ClientChannel) => void): Promise<number> {
    this.acceptForwarded = accept;
    return this.requestRemoteForward();
  }

  /**
   * Asks for the forward now, before anyone accepts its connections: a run asks while the host is
   * probed, so the agent's start does not wait one more round trip for its port. Once per connection.
   */
  prepareRemoteForward(): void {
    // A refusal is said when the start asks for the port.
    this.requestRemoteForward().catch(() => {});
  }

  private requestRemoteForward(): Promise<number> {
    this.remoteForward ??= new Promise((resolve, reject) => {
      this.client.on('tcp connection', (_info, acceptConnection, rejectConnection) => (this.acceptForwarded ? this.acceptForwarded(acceptConnection()) : rejectConnection()));
      this.client.forwardIn('127.0.0.1', 0, (error, port) =>
        error ? reject(new HostError(this.host.name, 'start', `remote port forwarding refused (AllowTcpForwarding?): ${error.message}`)) : resolve(port),
      );
    });
    return this.remoteForward;
  }

  onClose(listener: () => void): void {
    this.client.once('close', listener);
  }

  close(): void {
    this.client.end();
  }
}

function describeConnectError(
  host: SshEndpoint,
  error: Error & { level?: string; code?: string },
  verdict: (HostKeyVerdict & { offered: string; offeredType: string }) | undefined,
  tried: string[],
): HostError {
  const where = `${host.host}:${host.port}`;
  if (verdict && verdict.kind !== 'known' && (error.level === 'client-authentication' || /verification failed|host denied/i.test(error.message) || error.level === 'protocol')) {
    if (verdict.kind === 'unknown') {
      return new HostError(
        host.name,
        'host key',
        `unknown host key ${verdict.offeredType} ${verdict.offered} (not in ${host.knownHosts}); check it and run again with --accept-new-host-keys to trust it`,
      );
    }
    if (verdict.kind === 'changed') {
      return new HostError(
        host.name,
        'host key',
        `HOST KEY CHANGED: it offered ${verdict.offeredType} ${verdict.offered} but ${host.knownHosts}:${verdict.line} has ${verdict.knownType} ${verdict.knownFingerprint}; refusing (someone may be intercepting). If the host was rebuilt, remove that line`,
      );
    }
    return new HostError(host.name, 'host key', `host key ${verdict.offered} is marked @revoked in ${host.knownHosts}:${verdict.line}; refusing`);
  }
  if (error.level === 'client-authentication') {
    return new HostError(host.name, 'auth', `authentication failed for user ${host.user} (tried ${tried.join(', ')})`);
  }
  if (error.level === 'client-timeout') return new HostError(host.name, 'connect', `no SSH handshake from ${where} in time`);
  const reasons: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable',
    ETIMEDOUT: 'connection timed out',
    ENOTFOUND: 'no such host name',
    EAI_AGAIN: 'host name lookup failed',
  };
  const reason = (error.code && reasons[error.code]) ?? error.message;
  return new HostError(host.name, 'connect', `unreachable: ${reason} (${where})`);
}
