#!/usr/bin/env bash
# Loads the deterministic demo data:  load.sh [--if-empty] N SEED CONNINFO
#
# Runs every schema/demo/NN_*.sql in name order in ONE transaction, as the local cluster's
# superuser (row-level security, forced for the owner too, does not apply to it), with psql
# variables n (care leavers wanted), seed and today: the day the data is made as of, the
# database's current_date unless DEMO_TODAY (YYYY-MM-DD) names another (the golden test fixes
# it, so its data does not move with the calendar).
# Without --if-empty it first empties the demo tables (TRUNCATE advisers, partners and
# care_leavers CASCADE: everything hanging off them goes too), so the same N and SEED always
# give the same data. With --if-empty it does nothing when care_leavers already has rows.
# Prints one summary line.
set -euo pipefail

usage() { echo "usage: load.sh [--if-empty] N SEED CONNINFO" >&2; exit 2; }
if_empty=0
if [[ ${1:-} == --if-empty ]]; then if_empty=1; shift; fi
(($# == 3)) || usage
n=$1 seed=$2 conninfo=$3
[[ $n =~ ^[0-9]+$ ]] && ((n >= 1 && n <= 10000000)) || { echo "N must be 1 to 10000000" >&2; exit 2; }
[[ $seed =~ ^-?[0-9]+$ ]] && ((${#seed} <= 18)) || { echo "SEED must be an integer" >&2; exit 2; }
dir=$(cd "$(dirname "$0")" && pwd)

psql_() { psql -X -q -v ON_ERROR_STOP=1 -d "$conninfo" "$@"; }

if ((if_empty)) && [[ $(psql_ -At -c "SELECT EXISTS (SELECT 1 FROM care_leavers)") == t ]]; then
  echo "demo data: care leavers already present, nothing loaded"
  exit 0
fi

today=${DEMO_TODAY:-$(psql_ -At -c "SELECT current_date")}
[[ $today =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]] || { echo "DEMO_TODAY must be YYYY-MM-DD" >&2; exit 2; }

args=()
if ((!if_empty)); then
  args+=(-c "TRUNCATE advisers, partners, care_leavers CASCADE")
fi
shopt -s nullglob
files=("$dir"/[0-9][0-9]_*.sql)
((${#files[@]})) || { echo "no demo files in $dir" >&2; exit 1; }
for f in "${files[@]}"; do args+=(-f "$f"); done

start=$(date +%s%N)
psql_ -1 -v n="$n" -v seed="$seed" -v today="$today" -c "SET client_min_messages = warning" "${args[@]}" >/dev/null
ms=$((($(date +%s%N) - start) / 1000000))

counts=$(psql_ -At -F ' ' -c "SELECT (SELECT count(*) FROM care_leavers),
    (SELECT count(*) FROM advisers), (SELECT count(*) FROM pathway_plans),
    (SELECT count(*) FROM contacts), (SELECT count(*) FROM outreach_contacts)")
read -r cls advs plans contacts outreach <<<"$counts"
printf 'demo data: %s care leavers, %s advisers, %s plan versions, %s contacts, %s outreach contacts from %d files (seed %s) in %d.%03d s\n' \
  "$cls" "$advs" "$plans" "$contacts" "$outreach" "${#files[@]}" "$seed" $((ms / 1000)) $((ms % 1000))
