export { freePort } from './ports';
export { testEnv, uniqueNamespace } from './environment';
export { writeConfig } from './config-file';
export { spawnService } from './service-process';
export type { ServiceProcess } from './service-process';
export { createTestDatabase } from './database';
export { startStack, deleteKeys, readAuditStream } from './stack';
export type { Stack, StackOptions } from './stack';
export { DevTokens } from './dev-tokens';
