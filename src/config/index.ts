export { Secret } from './secret.js';
export { loadConfig, getDatabaseUrl, ConfigError, TIERS } from './load-config.js';
export type { Config, Tier, TierLimits, LoadConfigOptions } from './load-config.js';
export {
  normalizeDatabaseUrl,
  detectProvider,
  describeDatabaseUrl,
  buildPostgresUrl,
  DEFAULT_SQLITE_URL,
} from './database-url.js';
export type { DatabaseProvider } from './database-url.js';
export type { OAuthProviderConfig } from './oauth-providers.js';
export { VARIABLES } from './variables.js';
export type { VariableSpec } from './variables.js';
