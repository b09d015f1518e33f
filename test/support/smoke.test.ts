import { CreateUserCommand, GetUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { motoClientConfig } from './aws';

describe('moto harness', () => {
  it('answers IAM calls from the real SDK client', async () => {
    // Prepare
    const iam = new IAMClient(motoClientConfig());
    const userName = `smoke-${Math.random().toString(36).slice(2, 8)}`;
    // Act
    await iam.send(new CreateUserCommand({ UserName: userName }));
    const out = await iam.send(new GetUserCommand({ UserName: userName }));
    // Assess
    expect(out.User?.Arn).toBe(`arn:aws:iam::123456789012:user/${userName}`);
  });
});
