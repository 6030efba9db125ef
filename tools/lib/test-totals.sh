#!/usr/bin/env bash
# Prints one line, "total: P passed, F failed, S skipped", summed over every runner's summary in
# the test output it reads (a file argument, or stdin). tools/run-tests.sh ends with it.
#
# The summaries it counts, after colour codes are stripped:
#   vitest         "      Tests  1 failed | 13 passed | 2 skipped | 1 todo (17)"   (todo counts as skipped)
#                  "      Errors  1 error"                                           (counts as failed)
#   nx --outputStyle=stream puts "project: " before the lines of a task it runs, but replays a
#   cached task's output without it, so both spellings occur in one run.
#   test-chart.sh  "helm-unittest: 254 passed, 0 failed"
# "Test Files" lines are not tests and are not counted.
set -euo pipefail

sed 's/\x1b\[[0-9;]*m//g' "$@" | awk '
  # Every "N word" pair of a summary line, added to its bucket.
  function add(line,    pairs, count, word, i) {
    while (match(line, /[0-9]+ (passed|failed|skipped|todo|errors?)/)) {
      split(substr(line, RSTART, RLENGTH), pairs, " ")
      count = pairs[1] + 0; word = pairs[2]
      if (word == "todo") word = "skipped"
      if (word ~ /^error/) word = "failed"
      total[word] += count
      line = substr(line, RSTART + RLENGTH)
    }
  }
  /^([A-Za-z0-9@._\/-]+: +)?[ \t]*(Tests|Errors) +[0-9]/ { add($0); next }
  /^helm-unittest: [0-9]+ passed/ { add($0) }
  END { printf "total: %d passed, %d failed, %d skipped\n", total["passed"], total["failed"], total["skipped"] }
'
