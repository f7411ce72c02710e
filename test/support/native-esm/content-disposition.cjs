// Jest cannot require() an ES module before Node 24.9, but Node 20.19+ itself can:
// this leaf package (required by a CommonJS dependency of Fastify/Mercurius) goes to Node's own loader.
module.exports = process.getBuiltinModule('node:module').createRequire(__filename)('content-disposition');
