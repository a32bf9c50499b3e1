export { initSqlParser, isSqlParserReady } from './parse';
export { classifySql } from './classify';
export { functionRisk } from './functions';
export type { FunctionRisk } from './functions';
export type {
  ClassifyOptions,
  SqlCategory,
  SqlClassification,
  SqlCopyInfo,
  SqlStatementInfo,
  SqlWhereInfo,
} from './types';
