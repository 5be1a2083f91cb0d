// The hosts inventory file (YAML or JSON): which machines run agents and how
// to reach them over SSH. Unknown keys are rejected: a typo must not pass.
import { z } from 'zod';

const Port = z.number().int().min(1).max(65535);

export const HostSettingsSchema = z
  .object({
    user: z.string().min(1).optional(),
    port: Port.optional(),
    /** private key file; ssh-agent ($SSH_AUTH_SOCK) is tried as well */
    identityFile: z.string().min(1).optional(),
    knownHosts: z.string().min(1).optional(),
    /** folder on the host for squall's files (default ~/.squall) */
    workDir: z.string().min(1).optional(),
    /** the Node.js binary on the host (default: node on the PATH) */
    node: z.string().min(1).optional(),
    /** Chromium on the host (default: found automatically) */
    browserPath: z.string().min(1).optional(),
    /** jump host(s) as OpenSSH's ProxyJump: [user@]host[:port], comma-separated, each may be a ~/.ssh/config alias; "none" for none */
    proxyJump: z.string().min(1).optional(),
  })
  .strict();

export const HostEntrySchema = HostSettingsSchema.extend({
  /** name or address, or an alias from ~/.ssh/config */
  host: z.string().min(1),
  /** how the host is called in reports (default: host, with :port when not 22) */
  name: z.string().min(1).optional(),
  /** share of the VUs relative to the other hosts */
  weight: z.number().positive().default(1),
  /** never give this host more VUs than this */
  maxVUs: z.number().int().positive().optional(),
}).strict();

/** An AWS region's name: us-east-1, ap-southeast-2, us-gov-west-1. */
export const AWS_REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** EC2 instances as hosts: the running ones with these tags, named by instance id. */
export const Ec2DiscoverySchema = HostSettingsSchema.extend({
  region: z.string().regex(AWS_REGION_PATTERN, 'expected an AWS region such as us-east-1'),
  /** every tag must match; at least one */
  tags: z.record(z.string().min(1), z.string()).refine((tags) => Object.keys(tags).length > 0, 'name at least one tag'),
  /** which of an instance's addresses to dial (a ~/.ssh/config Host entry for its id wins) */
  address: z.enum(['publicIp', 'privateIp', 'dns']).default('publicIp'),
}).strict();

export const InventorySchema = z
  .object({
    defaults: HostSettingsSchema.optional(),
    hosts: z.array(HostEntrySchema).min(1, 'list at least one host').optional(),
    ec2: Ec2DiscoverySchema.optional(),
  })
  .strict()
  .refine((inventory) => inventory.hosts !== undefined || inventory.ec2 !== undefined, { message: 'list hosts, or say which EC2 instances to use with ec2: { region, tags }', path: ['hosts'] });

export type Ec2Discovery = z.infer<typeof Ec2DiscoverySchema>;

export type Inventory = z.infer<typeof InventorySchema>;
export type HostEntry = z.infer<typeof HostEntrySchema>;

/** Where an SSH connection goes, and with what it proves who it is and checks who it reached. */
export interface SshEndpoint {
  name: string;
  host: string;
  port: number;
  user: string;
  identityFiles: string[];
  knownHosts: string;
}

/** A host with every setting decided. */
export interface ResolvedHost extends SshEndpoint {
  /** jump hosts in order, the first dialled directly, each next through the one before */
  jumps?: SshEndpoint[];
  workDir: string;
  node: string;
  browserPath?: string;
  weight: number;
  maxVus?: number;
}
