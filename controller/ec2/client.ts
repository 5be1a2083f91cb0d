// The AWS SDK, loaded only by the commands that talk to EC2 (it is large, and
// every other command starts faster without it). Credentials come from the
// SDK's standard chain (environment, profile, SSO, instance role) and are
// never printed; AWS_ENDPOINT_URL_EC2 / AWS_ENDPOINT_URL_SSM point it
// elsewhere (the tests use moto). Every AWS error becomes one line saying what
// and where.
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { InputError, RunFailure } from '../../src/errors.js';

export type Ec2Sdk = typeof import('@aws-sdk/client-ec2');

export interface Ec2Api {
  region: string;
  sdk: Ec2Sdk;
  ec2: EC2Client;
  ssm(): Promise<{ client: SSMClient; sdk: typeof import('@aws-sdk/client-ssm') }>;
}

export async function ec2Api(region: string): Promise<Ec2Api> {
  // Its notice about future Node versions is for us, not for the user's terminal.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const sdk = await import('@aws-sdk/client-ec2');
  return {
    region,
    sdk,
    ec2: new sdk.EC2Client({ region }),
    ssm: async () => {
      const ssmSdk = await import('@aws-sdk/client-ssm');
      return { client: new ssmSdk.SSMClient({ region }), sdk: ssmSdk };
    },
  };
}

/** What went wrong, in one line: bad input the user must fix (exit 2), or a failure of the run (exit 3). */
export function awsProblem(error: unknown, doing: string, region: string): InputError | RunFailure {
  const e = error as { name?: string; Code?: string; message?: string };
  const code = e.Code ?? e.name ?? 'Error';
  const message = (e.message ?? String(error)).split('\n')[0]!;
  const userMust = (text: string) => new InputError(`EC2 ${region}: ${doing}: ${text}`);
  if (code === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    return userMust('no AWS credentials found (set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, run aws sso login, or use an instance role)');
  }
  if (code === 'AuthFailure' || code === 'UnauthorizedOperation' || code === 'InvalidClientTokenId') return userMust(`not allowed: ${message}`);
  if (code === 'InstanceLimitExceeded' || code === 'VcpuLimitExceeded' || code === 'MaxSpotInstanceCountExceeded') return userMust(`over your quota: ${message} (ask AWS for more in Service Quotas, or launch fewer)`);
  if (code === 'InsufficientInstanceCapacity' || code === 'SpotMaxPriceTooLow' || code === 'InsufficientCapacity') return new RunFailure(`EC2 ${region}: ${doing}: no capacity now: ${message} (try another type, zone, or on-demand)`);
  if (/^Invalid|NotFound$|Malformed/.test(code) || code === 'UnknownEndpoint' || /getaddrinfo ENOTFOUND/.test(message)) return userMust(`${code}: ${message}`);
  return new RunFailure(`EC2 ${region}: ${doing}: ${code}: ${message}`);
}

/** Runs one AWS call, its failure turned into a one-line squall error. */
export async function aws<T>(api: Pick<Ec2Api, 'region'>, doing: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw awsProblem(error, doing, api.region);
  }
}
