import { isLexerSetting, isRoleSetting } from './functions';
import type { Walker } from './walker';

/** Effects of changing a run-time setting, whether by SET, set_config() or a SET clause. */
export function inspectSetting(name: string, w: Walker): void {
  if (isRoleSetting(name)) w.facts.setsRole = true;
  if (isLexerSetting(name)) w.facts.dynamicReasons.add(`lexer-setting:${name.toLowerCase()}`);
}
