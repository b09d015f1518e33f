/** A required environment variable is missing: the function is misconfigured, fail at init, loudly. */
export class MissingEnvironmentError extends Error {
  override readonly name = 'MissingEnvironmentError';
}

/** Reads a required environment variable once, at init. */
export function requireEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') {
    throw new MissingEnvironmentError(
      `environment variable ${name} is not set; the stack sets it, so this function was deployed or started wrongly`,
    );
  }
  return value;
}

/** Reads an optional whole-number environment variable, failing loudly on a malformed value. */
export function intEnv(name: string, fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  if (!/^\d+$/.test(value))
    throw new MissingEnvironmentError(`environment variable ${name} must be a whole number, got "${value}"`);
  return Number(value);
}
