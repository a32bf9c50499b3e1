export {
  loadConfig,
  parseConfig,
  configPathFromEnv,
  ConfigError,
  positionOf,
  formatKeyPath,
  DEFAULT_CONFIG_PATH,
} from './load';
export type { LoadedConfig } from './load';
export { portcullisConfigSchema } from './schema';
export type { PortcullisConfig, ConnectionConfig, ProviderConfig } from './schema';
export { secretRefSchema, resolveSecret, SecretResolutionError } from './secret-ref';
export type { SecretRef } from './secret-ref';
export { envOverrides } from './env-overrides';
export { serviceEnvironment } from './environment';
