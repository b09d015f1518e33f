import type { TestProject } from 'vitest/node';
import { type MotoServer, startMotoServer } from '../../local/moto-server';

declare module 'vitest' {
  export interface ProvidedContext {
    motoEndpoint: string;
  }
}

let server: MotoServer | undefined;

/** One moto_server for the whole run; test files get its endpoint with `inject('motoEndpoint')`. */
export async function setup(project: TestProject): Promise<void> {
  server = await startMotoServer();
  project.provide('motoEndpoint', server.endpoint);
}

export async function teardown(): Promise<void> {
  await server?.stop();
}
