// AWS errors as one line each: what the user must fix is bad input (exit 2),
// a lack of capacity is a failure of the run (exit 3).
import { describe, expect, it } from 'vitest';
import { InputError, RunFailure } from '../../src/errors.js';
import { awsProblem } from './client.js';

const error = (name: string, message: string) => Object.assign(new Error(message), { name });

describe('awsProblem', () => {
  it.each([
    ['CredentialsProviderError', 'Could not load credentials from any providers', InputError, /no AWS credentials found/],
    ['UnauthorizedOperation', 'You are not authorized to perform this operation.', InputError, /not allowed: You are not authorized/],
    ['VcpuLimitExceeded', 'You have requested more vCPU capacity than your current vCPU limit of 32 allows', InputError, /over your quota: .*Service Quotas/],
    ['InsufficientInstanceCapacity', 'We currently do not have sufficient c7i.xlarge capacity', RunFailure, /no capacity now: .*try another type, zone, or on-demand/],
    ['InvalidSubnetID.NotFound', "The subnet ID 'subnet-1' does not exist", InputError, /InvalidSubnetID\.NotFound: The subnet ID/],
    ['InternalError', 'boom', RunFailure, /InternalError: boom/],
  ])('%s', (name, message, kind, text) => {
    const problem = awsProblem(error(name, message), 'launching 3 × c7i.xlarge', 'eu-west-1');
    expect(problem).toBeInstanceOf(kind);
    expect(problem.message).toMatch(/^EC2 eu-west-1: launching 3 × c7i\.xlarge: /);
    expect(problem.message).toMatch(text);
  });
});
