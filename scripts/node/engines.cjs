'use strict';
// node engines.cjs DIR...: fails, naming both versions, when the node running it is older (or
// newer) than what a tool installed in DIR declares: the engines.node range in the installed
// node_modules/<tool>/package.json of each dependency in DIR/package.json. A tool run on a
// node it does not declare may fail in ways that do not say so (Prism 5.16 on Node 18: a
// validating proxy that never starts).
const fs = require('fs');
const path = require('path');

// [major, minor, patch] with null for a missing or wildcard (x, X, *) part.
function parse(text) {
  const m = /^v?(\d+|[xX*])?(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?/.exec(text);
  return [m[1], m[2], m[3]].map((p) => (p === undefined || /[xX*]/.test(p) ? null : Number(p)));
}
function cmp(a, b) {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}
// The lowest version above every version that starts like v[0..i].
function bump(v, i) {
  return v.map((x, j) => (j < i ? x : j === i ? x + 1 : 0));
}

// One comparator of a node-semver range: >=1.2.3, >1, <=2.x, <3, =1.2, 1.2, ^1.2.3, ~1.2, *.
function comparator(v, c) {
  const m = /^(>=|<=|>|<|=|\^|~)?(.*)$/.exec(c);
  const op = m[1] || '=';
  const p = parse(m[2]);
  const known = p.indexOf(null) === -1 ? 3 : p.indexOf(null);
  if (known === 0) return op !== '<' && op !== '>';
  const lo = p.map((x) => (x === null ? 0 : x));
  const past = known < 3 ? bump(lo, known - 1) : null; // 1.2 -> 1.3.0
  switch (op) {
    case '>=': return cmp(v, lo) >= 0;
    case '>': return past ? cmp(v, past) >= 0 : cmp(v, lo) > 0;
    case '<': return cmp(v, lo) < 0;
    case '<=': return past ? cmp(v, past) < 0 : cmp(v, lo) <= 0;
    case '~': return cmp(v, lo) >= 0 && cmp(v, bump(lo, known >= 2 ? 1 : 0)) < 0;
    case '^': {
      let i = 0;
      while (i < known - 1 && lo[i] === 0) i++;
      return cmp(v, lo) >= 0 && cmp(v, bump(lo, i)) < 0;
    }
    default: return past ? cmp(v, lo) >= 0 && cmp(v, past) < 0 : cmp(v, lo) === 0;
  }
}
function satisfies(version, range) {
  const v = parse(version);
  return range.split('||').some((set) => set.trim()
    .replace(/(\S+)\s+-\s+(\S+)/g, '>=$1 <=$2')
    .replace(/(>=|<=|>|<|=|\^|~)\s+/g, '$1')
    .split(/\s+/).filter(Boolean)
    .every((c) => comparator(v, c)));
}

const node = process.versions.node;
let failed = false;
for (const dir of process.argv.slice(2)) {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const tools = Object.keys(Object.assign({}, manifest.dependencies, manifest.devDependencies));
  const seen = [];
  let ok = true;
  for (const name of tools) {
    const file = path.join(dir, 'node_modules', name, 'package.json');
    if (!fs.existsSync(file)) {
      console.error(`${dir}: ${name} is not installed (scripts/node.sh install ${dir})`);
      ok = false;
      continue;
    }
    const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
    const range = pkg.engines && pkg.engines.node;
    if (!range) continue;
    if (satisfies(node, range)) {
      seen.push(`${name} ${pkg.version} (${range})`);
    } else {
      console.error(`${dir}: ${name} ${pkg.version} declares node ${range}, but the node ` +
        `running it is ${node} (${process.execPath}); the tools run on the Node.js pinned in ` +
        'scripts/node/package.json, through scripts/node.sh');
      ok = false;
    }
  }
  if (ok) console.log(`node ${node} satisfies ${dir}: ${seen.join(', ') || 'no engines declared'}`);
  failed = failed || !ok;
}
process.exit(failed ? 1 : 0);
