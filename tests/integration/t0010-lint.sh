#!/bin/sh
# The tree keeps its own rules: banned calls, one includer per library,
# no foreign types in public headers.
. "$(dirname "$0")/lib.sh"
cd "$top_srcdir" || exit 1

src=$(ls store/*.[ch] sync/*.[ch] daemon/*.[ch] tools/*.[ch] 2>/dev/null)
banned=$(grep -nE '\b(sprintf|strcpy|strcat|atoi|strtok)\s*\(' $src | grep -v snprintf || true)
expect_eq "no banned calls" "" "$banned"

for pair in "lmdb.h:store/" "curl/curl.h:sync/" "microhttpd.h:daemon/"; do
	hdr=${pair%%:*} dir=${pair#*:}
	bad=$(grep -l "#include <$hdr>" $src | grep -v "^$dir" || true)
	expect_eq "<$hdr> only in $dir" "" "$bad"
done

pub="store/store.h store/store_query.h sync/sync.h"
bad=$(grep -nE '\b(MDB_[a-z]+|MDB_val|CURLcode|CURL|cJSON)\b' $pub || true)
expect_eq "no foreign types in public headers" "" "$bad"

bad=$(grep -ln 'crypto_sign_' $src | grep -v '^sync/' || true)
expect_eq "crypto_sign only in sync/" "" "$bad"
finish
