// Entry of the rebuild kill test's child: `node rebuild-worker.child.cjs <dataDir> <batchSize>`.
'use strict';
require('../../../../test/crash/register-ts.cjs');
require('./rebuild-worker.child.ts')
  .main(process.argv[2], Number(process.argv[3]))
  .catch((error) => {
    process.stderr.write(`${error.stack}\n`);
    process.exit(1);
  });
