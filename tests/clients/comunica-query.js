// Run one SPARQL query with Comunica against a SPARQL endpoint and print the answer as JSON:
//   node comunica-query.js ENDPOINT QUERY
// SELECT: {"bindings": [{var: "N-Triples-ish term string", ...}]}; ASK: {"boolean": b};
// CONSTRUCT/DESCRIBE: {"quads": ["s p o", ...]}. Errors go to stderr with exit code 1.
const { QueryEngine } = require('@comunica/query-sparql');
const { termToString } = require('rdf-string');

async function main() {
  const [endpoint, query] = process.argv.slice(2);
  const engine = new QueryEngine();
  const context = { sources: [{ type: 'sparql', value: endpoint }], lenient: false };
  const result = await engine.query(query, context);
  let out;
  if (result.resultType === 'bindings') {
    const bindings = await (await result.execute()).toArray();
    out = { bindings: bindings.map((b) => Object.fromEntries([...b].map(([v, t]) => [v.value, termToString(t)]))) };
  } else if (result.resultType === 'boolean') {
    out = { boolean: await result.execute() };
  } else {
    const quads = await (await result.execute()).toArray();
    out = { quads: quads.map((q) => [q.subject, q.predicate, q.object].map(termToString).join(' ')) };
  }
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch((err) => { process.stderr.write(`${err.stack || err}\n`); process.exit(1); });
