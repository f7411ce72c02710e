// The dispatcher as a process of its own, for the crash test: `node outbound-crash.child.cjs <dataDir> <apiUrl> <token> <now>`.
'use strict';
require('../../../../test/crash/register-ts.cjs');
require('./outbound-crash.child.ts').main(...process.argv.slice(2));
