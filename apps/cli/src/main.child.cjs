// `helpdesk` from the sources, for the CLI's process tests: `node main.child.cjs <args>`.
// With LIST_LOADED_MODULES=1 it prints, last on stderr, the files it loaded (to show what `--help` loads).
'use strict';
require('../../../test/crash/register-ts.cjs');
if (process.env.LIST_LOADED_MODULES === '1') {
  process.on('exit', () => {
    process.stderr.write(`\nLOADED ${JSON.stringify(Object.keys(require.cache))}\n`);
  });
}
require('./main.ts');
