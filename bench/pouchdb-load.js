'use strict';
// bench/pouchdb-load.js: the PouchDB side of bench/pouchdb.sh.
//
//   node pouchdb-load.js MODULES N SOURCE_DIR REMOTE_URL BATCH_SIZE TIMEOUT_S
//
// MODULES is the folder holding node_modules (the temporary npm install);
// SOURCE_DIR a fresh folder for the source database (pouchdb, leveldb
// adapter, on disk); REMOTE_URL a database on the pouchdb-server, which
// must not exist yet.  Loads N household documents into the source with
// bulkDocs (not timed), then times one PouchDB.replicate(source, remote)
// with BATCH_SIZE documents per batch until it completes, bounded by
// TIMEOUT_S seconds; checks that the remote holds exactly N documents.
// Progress goes to stderr; stdout gets one line, "pouchdb: <R> docs/s".

const path = require('path');
const { createRequire } = require('module');

function die(msg) {
	process.stderr.write(`bench/pouchdb-load.js: ${msg}\n`);
	process.exit(1);
}

const [mods, nArg, srcDir, remoteUrl, batchArg, timeoutArg] =
    process.argv.slice(2);
if (timeoutArg === undefined)
	die('usage: pouchdb-load.js MODULES N SOURCE_DIR REMOTE_URL ' +
	    'BATCH_SIZE TIMEOUT_S');
const n = Number(nArg), batchSize = Number(batchArg);
const timeoutS = Number(timeoutArg);
for (const [name, v] of [['N', n], ['BATCH_SIZE', batchSize],
    ['TIMEOUT_S', timeoutS]])
	if (!Number.isInteger(v) || v < 1)
		die(`${name} must be a positive integer`);

// pouchdb from the temporary install, not from anything near this file.
const PouchDB = createRequire(path.join(mods, 'index.js'))('pouchdb');

// The households of bench/run's ingest row (its awk program, the same
// streets, numbers and groups): every tenth address holds a comma.
const streets = ['共和新路', '延长中路', '广中西路', '大统路', '中华新路',
    '彭越浦路', '灵石路', '平型关路'];
function household(i) {
	const st = streets[i % 8];
	const address = i % 10 === 0 ?
	    `${st}${i % 997 + 1}弄, ${i % 30 + 1}号${101 + i % 603}室` :
	    `${st}${i % 997 + 1}号${101 + i % 1203}室`;
	return {
		_id: 'H' + String(i).padStart(6, '0'),
		type: 'household',
		address,
		group: 'B' + String(i % 40 + 1).padStart(2, '0'),
	};
}

function seconds(t0, t1) {
	return Number(t1 - t0) / 1e9;
}

async function load(db) {
	const chunk = 5000;
	const t0 = process.hrtime.bigint();
	for (let i = 1; i <= n; i += chunk) {
		const docs = [];
		for (let j = i; j < i + chunk && j <= n; j++)
			docs.push(household(j));
		const res = await db.bulkDocs(docs);
		const bad = res.filter((r) => r.error);
		if (bad.length)
			die(`bulkDocs: ${bad.length} failed, first ` +
			    JSON.stringify(bad[0]));
	}
	const info = await db.info();
	if (info.doc_count !== n)
		die(`the source holds ${info.doc_count} docs, not ${n}`);
	const s = seconds(t0, process.hrtime.bigint());
	process.stderr.write(`loaded ${n} docs into the source ` +
	    `(${info.adapter}/${info.backend_adapter}) in ${s.toFixed(1)} s, ` +
	    `bulkDocs of ${chunk}, not timed\n`);
}

async function replicate(local, remote) {
	let timer;
	const rep = PouchDB.replicate(local, remote, { batch_size: batchSize });
	const timeout = new Promise((resolve, reject) => {
		timer = setTimeout(() => {
			rep.cancel();
			reject(new Error(`replication did not complete in ` +
			    `${timeoutS} s`));
		}, timeoutS * 1000);
	});
	let next = 0.1;
	rep.on('change', (info) => {
		if (info.docs_written >= next * n) {
			process.stderr.write(`  replicated ${info.docs_written}\n`);
			while (next * n <= info.docs_written)
				next += 0.1;
		}
	});
	try {
		return await Promise.race([rep, timeout]);
	} finally {
		clearTimeout(timer);
	}
}

async function main() {
	const local = new PouchDB(srcDir, { adapter: 'leveldb' });
	const remote = new PouchDB(remoteUrl);
	// Creates the remote database before the clock starts.
	const before = await remote.info();
	if (before.doc_count !== 0)
		die(`${remoteUrl} is not empty (${before.doc_count} docs)`);
	await load(local);

	process.stderr.write(`replicating to ${remoteUrl}, ` +
	    `batch_size ${batchSize}\n`);
	const t0 = process.hrtime.bigint();
	const res = await replicate(local, remote);
	const t1 = process.hrtime.bigint();
	if (!res.ok || res.status !== 'complete' || res.docs_written !== n ||
	    res.doc_write_failures !== 0)
		die('replication: ' + JSON.stringify({ ok: res.ok,
		    status: res.status, docs_read: res.docs_read,
		    docs_written: res.docs_written,
		    doc_write_failures: res.doc_write_failures,
		    errors: res.errors }));

	const info = await remote.info();
	if (info.doc_count !== n)
		die(`the remote holds ${info.doc_count} docs, not ${n}`);
	// One document, compared field by field with what was loaded.
	const probe = Math.min(n, 10);
	const got = await remote.get(household(probe)._id);
	const want = household(probe);
	for (const k of Object.keys(want))
		if (got[k] !== want[k])
			die(`remote ${want._id}.${k} is ${JSON.stringify(got[k])}, ` +
			    `not ${JSON.stringify(want[k])}`);

	const s = seconds(t0, t1);
	process.stderr.write(`replicated ${res.docs_written} docs in ` +
	    `${s.toFixed(2)} s; remote doc_count ${info.doc_count}\n`);
	await local.close();
	process.stdout.write(`pouchdb: ${Math.round(n / s)} docs/s\n`);
}

main().then(() => process.exit(0),
    (err) => die(err && err.stack ? err.stack : String(err)));
