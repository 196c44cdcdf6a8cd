// rdf-test-suite needs a query engine module; the protocol and Graph Store tests only talk
// HTTP to the endpoint under test, so this engine is never asked to evaluate anything.
module.exports = {
  parse: async () => { throw new Error('not used by protocol tests'); },
  query: async () => { throw new Error('not used by protocol tests'); },
};
