import { type ConfigurableRule, parseRuntimeConfig, type RuntimeConfig } from './runtime-config';

/** Fetches all parameters under the prefix, names relative to it (e.g. `rules/x/mode`). */
export type ParameterFetcher = () => Promise<Record<string, string>>;

export interface ConfigSourceOptions {
  readonly prefix: string;
  readonly rules: readonly ConfigurableRule[];
  readonly fetch: ParameterFetcher;
  /** How long a fetched configuration is reused. */
  readonly maxAgeSeconds?: number;
  readonly now?: () => number;
  /** Told once per refresh that SSM could not be read (the previous config, or defaults, stay in force). */
  readonly onFetchError?: (error: unknown) => void;
}

/**
 * Run-time configuration with a short cache. A failed or invalid read never throws: the last good
 * configuration stays in force (defaults before the first one), and problems are returned for reporting.
 */
export class ConfigSource {
  private current: RuntimeConfig | undefined;
  private fetchedAt = Number.NEGATIVE_INFINITY;
  private inflight: Promise<RuntimeConfig> | undefined;

  constructor(private readonly options: ConfigSourceOptions) {}

  async get(): Promise<RuntimeConfig> {
    const now = (this.options.now ?? Date.now)();
    if (this.current && now - this.fetchedAt < (this.options.maxAgeSeconds ?? 60) * 1000) return this.current;
    this.inflight ??= this.refresh(now).finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async refresh(now: number): Promise<RuntimeConfig> {
    let raw: Record<string, string>;
    try {
      raw = await this.options.fetch();
    } catch (error) {
      this.options.onFetchError?.(error);
      // Keep the last good configuration; before the first one, rule defaults apply. Retry on the next call.
      return this.current ?? parseRuntimeConfig({}, this.options.prefix, this.options.rules);
    }
    this.current = parseRuntimeConfig(raw, this.options.prefix, this.options.rules, this.current);
    this.fetchedAt = now;
    return this.current;
  }
}
