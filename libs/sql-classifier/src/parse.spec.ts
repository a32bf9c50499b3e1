import { classifySql, initSqlParser, isSqlParserReady } from './index';

// Jest gives each spec file its own module registry, so the parser starts unloaded here.
describe('initSqlParser', () => {
  it('classifySql fails closed before the parser is loaded', () => {
    expect(isSqlParserReady()).toBe(false);
    expect(classifySql('select 1')).toMatchObject({ ok: false, error: expect.stringContaining('initSqlParser') });
  });

  it('loads once, concurrent and repeated calls included', async () => {
    await Promise.all([initSqlParser(), initSqlParser()]);
    await initSqlParser();
    expect(isSqlParserReady()).toBe(true);
    expect(classifySql('select 1')).toMatchObject({ ok: true });
  });
});
