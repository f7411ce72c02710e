// Entry of the API kill test's child: the real service from the TypeScript sources, configured by env.
'use strict';
require('./register-ts.cjs');
require('../../apps/api/src/main.ts');
