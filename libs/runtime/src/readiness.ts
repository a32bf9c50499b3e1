/** One dependency a service needs to do its job; /readyz is 200 only when every check passes. */
export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<void>;
}

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');
