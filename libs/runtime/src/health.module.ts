import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { HealthController } from './health.controller';
import { READINESS_CHECKS, type ReadinessCheck } from './readiness';

/** /healthz, /readyz and /metrics, with readiness made of the checks a service passes in. */
@Module({})
export class HealthModule {
  static forRoot(checks: Array<Type<ReadinessCheck>>): DynamicModule {
    return {
      module: HealthModule,
      controllers: [HealthController],
      providers: [
        {
          provide: READINESS_CHECKS,
          useFactory: (...instances: ReadinessCheck[]) => instances,
          inject: checks,
        },
      ],
    };
  }
}
