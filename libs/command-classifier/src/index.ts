export { classifyShell } from './shell-classify';
export { hasFlag, matchesCommandPattern, normalizePathArg } from './flags';
export { classifyK8sRequest } from './k8s-request';
export { normalizeHttpRequest, pathAndQueryOf } from './http-path';
export type {
  CommandPattern,
  K8sRequestInfo,
  NormalizedHttpRequest,
  ShellClassification,
  ShellCommand,
  ShellRedirect,
} from './types';
