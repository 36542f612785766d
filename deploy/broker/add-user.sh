#!/usr/bin/env bash
# Creates (or re-creates) a broker user with its role's permissions (permissions.sh), its password read
# from a file and handed to rabbitmqctl on standard input, never on a command line.
#   bash deploy/broker/add-user.sh USER PASSWORD_FILE   # rabbitmqctl from PATH, or $RABBITMQCTL
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
user="${1:?usage: add-user.sh USER PASSWORD_FILE}"
password_file="${2:?usage: add-user.sh USER PASSWORD_FILE}"
ctl="${RABBITMQCTL:-rabbitmqctl}"
mapfile -t permissions < <(bash "$here/permissions.sh" "$user")
"$ctl" delete_user "$user" > /dev/null 2>&1 || true
"$ctl" add_user "$user" < "$password_file" > /dev/null
"$ctl" set_permissions -p / "$user" "${permissions[0]}" "${permissions[1]}" "${permissions[2]}" > /dev/null
