#!/usr/bin/env bash
# Bounds on every queue that can grow while its consumer is down, as RabbitMQ policies (a policy can be
# changed on a running broker; a queue argument cannot be changed without deleting the queue).
#   bash deploy/broker/limits.sh     # rabbitmqctl from PATH, or $RABBITMQCTL
# - The roles' durable queues (engine partitions, the prover's closes and inclusion requests, the risk role's) refuse a
#   publish once they hold AGGREGATOR_QUEUE_MAX_BYTES (default 2 GiB): `reject-publish`, never
#   dropping what they hold. A ledger entry is then refused to `aggregator ledger publish`, which says
#   so and can be run again (entries are applied once by id); an adapter keeps its chain's newest batch
#   and publishes it when there is room (a batch is the chain's whole state at its height).
# - Error and skipped queues keep the newest AGGREGATOR_ERROR_QUEUE_MAX messages (default 100,000):
#   a flood of refused messages cannot fill the broker's disk.
# - Temporary queues (USER.PURPOSE.ID) go with the process that declared them.
set -euo pipefail
ctl="${RABBITMQCTL:-rabbitmqctl}"
bytes="${AGGREGATOR_QUEUE_MAX_BYTES:-2147483648}"
errors="${AGGREGATOR_ERROR_QUEUE_MAX:-100000}"
"$ctl" set_policy -p / --apply-to queues --priority 1 aggregator-roles \
  '^(engine(-[0-9]+-of-[0-9]+)?|prover(-inclusion|-attestation)?|risk)$' \
  "{\"max-length-bytes\": $bytes, \"overflow\": \"reject-publish\"}" > /dev/null
"$ctl" set_policy -p / --apply-to queues --priority 1 aggregator-errors \
  '_(error|skipped)$' \
  "{\"max-length\": $errors, \"overflow\": \"drop-head\"}" > /dev/null
