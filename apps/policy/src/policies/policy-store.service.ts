import { Inject, Injectable } from '@nestjs/common';
import type { LoadedConfig } from '@portcullis/config';
import { loadPolicySet, type PolicySet } from '@portcullis/policy-engine';
import { LOADED_CONFIG } from '@portcullis/runtime';

/** Holds the policy in force. A bad policy at boot stops the service: better down than deciding wrongly. */
@Injectable()
export class PolicyStore {
  private current: PolicySet;

  constructor(@Inject(LOADED_CONFIG) loaded: LoadedConfig) {
    this.current = loadPolicySet(loaded);
  }

  get policy(): PolicySet {
    return this.current;
  }
}
