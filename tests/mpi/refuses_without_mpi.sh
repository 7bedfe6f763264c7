#!/bin/sh
# A sweep built without MPI, started by a launcher as one of 3 ranks: rank 0
# prints one line and every rank exits 2, before anything runs.
#   refuses_without_mpi.sh SWEEP_BINARY
set -u
sweep=$1
expected="sweep: this sweep was built without MPI but runs under an MPI launcher with 3 ranks (OMPI_COMM_WORLD_SIZE is set): it would run independent copies of one sweep; run it without the launcher, or install libopenmpi-dev (scripts/setup) and build again"
err=$(OMPI_COMM_WORLD_SIZE=3 OMPI_COMM_WORLD_RANK=0 "$sweep" ls --db /nonexistent/sweep.db 2>&1 >/dev/null)
status=$?
[ "$status" -eq 2 ] || { echo "rank 0 exited $status, expected 2"; exit 1; }
[ "$err" = "$expected" ] || { printf 'rank 0 printed:\n%s\nexpected:\n%s\n' "$err" "$expected"; exit 1; }
err=$(OMPI_COMM_WORLD_SIZE=3 OMPI_COMM_WORLD_RANK=1 "$sweep" ls --db /nonexistent/sweep.db 2>&1)
status=$?
[ "$status" -eq 2 ] || { echo "rank 1 exited $status, expected 2"; exit 1; }
[ -z "$err" ] || { printf 'rank 1 printed:\n%s\n' "$err"; exit 1; }
echo "refused with one line on rank 0, silently on rank 1"
