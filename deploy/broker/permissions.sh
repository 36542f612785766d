#!/usr/bin/env bash
# The broker's trust boundary, in one place: for a user (one per role instance), the RabbitMQ
# configure, write and read permissions, as three regular expressions on one line each.
#   bash deploy/broker/permissions.sh USER      # prints configure, write, read
# Users are named after their role: adapter[-NAME], oracle[-NAME], engine (the whole book) or
# engine-INDEX-of-COUNT (a partition, named like its queue), prover[-NAME], operator[-NAME] (the CLI),
# api[-NAME] (the HTTP front door), risk[-NAME] (the insurance fund's owner), tree-worker[-NAME] (the prover's tree jobs), and all[-NAME] (every role in one process: the demo on RabbitMQ; never give it to a one-role process).
# MassTransit publishes each message type to a fanout exchange named Aggregator.Messages:TYPE, so what a
# user may say is the set of type exchanges it may write; what it may hear is the set it may read
# (binding a queue to an exchange needs read on the exchange). Every consumer also checks the
# broker-validated user_id of each message (docs/operations.md, "Trust boundary").
set -euo pipefail

user="${1:?usage: permissions.sh USER}"
role="${user%%-*}"
# tree-worker[-NAME] is the one role whose name has a '-' of its own.
if [[ "$user" == tree-worker || "$user" == tree-worker-* ]]; then
  role=tree-worker
fi
if ! [[ "$user" =~ ^[a-z][a-z0-9-]*$ ]]; then
  echo "permissions.sh: '$user' is not a user name (lower-case letters, digits and '-')" >&2
  exit 2
fi

types() { local IFS='|'; printf 'Aggregator\\.Messages:(%s)' "$*"; }
# A process's own temporary queues (replay requests, request replies) start with its user and a dot.
own="${user}\\..*"
# Faults MassTransit publishes when a message fails (nobody consumes them; harmless to write).
faults='MassTransit:(Receive)?Fault.*'
# Where an answer goes: the reply queue of a process that may ask (answers are sent there, point to
# point; no one hears them on a message type's exchange).
replies='(operator|api|all)(-[a-z0-9-]*)?\.bus\..*'

case "$role" in
  adapter)
    says=$(types CollateralObserved)
    hears=$(types ObservationsReplayRequested)
    queues="$own"
    ;;
  oracle)
    says=$(types PricesObserved)
    hears='(?!)' # nothing
    queues="$own"
    ;;
  engine)
    if ! [[ "$user" == engine || "$user" =~ ^engine-[0-9]+-of-[0-9]+$ ]]; then
      echo "permissions.sh: an engine user is 'engine' or 'engine-INDEX-of-COUNT', not '$user'" >&2
      exit 2
    fi
    # Health goes to the requester's reply queue only: an operator's, the api's.
    says="$(types AccountsHealthChanged MarginCalls LiquidationsPlanned ObservationsReplayRequested AccountViewsChanged LiquidationRecorded BadDebtRecorded ExposureReported DeleveragingCandidatesReported)|(operator|api|all)(-[a-z0-9-]*)?\.[a-z]+\..*"
    hears=$(types CollateralObserved PricesObserved LedgerEntry HealthRequested RiskRequested EpochClosed AccountViewsRequested DeleveragingCandidatesRequested)
    queues="${user}(_error|_skipped)?|$own"
    ;;
  prover)
    # The prover reads the books and the reserves itself: it sends no observation and asks the engines nothing.
    # It sends the tree's jobs to the tree-work queue (declaring it, so jobs wait there for workers to start),
    # and the all-accounts proving's batches to every replica's shared prover-inclusion-all queue.
    says="$(types EpochCloseRequested EpochClosed EpochCloseFailed ReservesObserved)|$replies|tree-work"
    hears="$(types EpochCloseRequested InclusionProofRequested CollateralAttestationRequested InclusionBatchRequested)|tree-work"
    queues="prover(-inclusion|-attestation|-inclusion-all)?(_error|_skipped)?|$own"
    ;;
  operator)
    # prover-inclusion-all: `prove inclusion --all --bus` hands an epoch's proving to the prover replicas.
    says="$(types LedgerEntry EpochCloseRequested InclusionProofRequested CollateralAttestationRequested HealthRequested RiskRequested)|prover-inclusion-all"
    hears="$(types AccountsHealthChanged MarginCalls LiquidationsPlanned EpochClosed EpochCloseFailed ReservesObserved InsuranceFundChanged HedgeProposed DeleveragingPlanned)|prover-inclusion-all"
    queues="$own"
    ;;
  api)
    # Inclusion proofs and attestations on a caller's behalf, answered to its own reply queue; every account
    # view (no other role may hear those) and the engines' health events, for its read model and its event stream.
    says=$(types InclusionProofRequested CollateralAttestationRequested AccountViewsRequested RiskRequested)
    hears=$(types AccountViewsChanged AccountsHealthChanged MarginCalls LiquidationsPlanned)
    queues="$own"
    ;;
  risk)
    # The one owner of the institution-wide figures: it hears the partitions' liquidations, deficits and
    # totals and deleveraging candidates, the books' desk positions and the prover's reserves; it says the
    # fund's movements, the hedges, and the deleveraging it asks for and plans.
    says=$(types InsuranceFundChanged HedgeProposed DeleveragingCandidatesRequested DeleveragingPlanned)
    hears=$(types LiquidationRecorded BadDebtRecorded ExposureReported LedgerEntry ReservesObserved DeleveragingCandidatesReported)
    queues="risk(_error|_skipped)?|$own"
    ;;
  tree-worker)
    # Takes the prover's tree jobs from the shared tree-work queue; says nothing (its files go to the shared volume).
    says='(?!)' # nothing
    hears=$(types TreeJobRequested)
    queues="tree-work(_error|_skipped)?|$own"
    ;;
  all)
    printf '.*\n.*\n.*\n'
    exit 0
    ;;
  *)
    echo "permissions.sh: '$user' names no role (adapter, oracle, engine, prover, operator, api, risk, tree-worker, all)" >&2
    exit 2
    ;;
esac

printf '^(%s|%s|%s|%s)$\n' "$says" "$hears" "$queues" "$faults" # configure: declare what it says, hears and owns
printf '^(%s|%s|%s)$\n' "$says" "$queues" "$faults"              # write: publish what it says, into what it owns
printf '^(%s|%s|%s)$\n' "$hears" "$queues" "$faults"             # read: bind what it hears, consume what it owns
