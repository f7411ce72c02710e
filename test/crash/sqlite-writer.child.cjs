// Entry of the crash test's writer process: `node sqlite-writer.child.cjs <dataDir> <streams as JSON>`.
'use strict';
require('./register-ts.cjs');
require('./sqlite-writer.ts').main(process.argv[2], JSON.parse(process.argv[3]));
