import { build } from 'esbuild';
const entry = process.argv[2] ?? 'src/entrypoints/lambda/get-saying.handler.ts';
const extra = JSON.parse(process.argv[3] ?? '{}');
const r = await build({ entryPoints: [entry], outfile: '/tmp/lb/index.js', bundle: true, minify: true, platform: 'node', target: 'node20', format: 'cjs', metafile: true, logLevel: 'error', ...extra });
const inputs = Object.values(r.metafile.outputs).find(o => o.entryPoint).inputs;
const byPkg = {};
const files = [];
for (const [f, m] of Object.entries(inputs)) {
  const mm = f.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/); const k = mm ? mm[1] : 'src';
  byPkg[k] = (byPkg[k] ?? 0) + m.bytesInOutput; files.push([f, m.bytesInOutput]);
}
const tot = Object.values(byPkg).reduce((a,b)=>a+b,0);
console.log('total', (tot/1024/1024).toFixed(3), 'MiB');
for (const [k,v] of Object.entries(byPkg).sort((a,b)=>b[1]-a[1]).slice(0,14)) console.log((v/1024).toFixed(0).padStart(6), k);
if (process.env.FILES) for (const [f,v] of files.filter(x=>x[0].includes(process.env.FILES)).sort((a,b)=>b[1]-a[1]).slice(0,25)) console.log((v/1024).toFixed(1).padStart(7), f);
