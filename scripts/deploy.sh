#!/bin/sh
# Deploys one synthesized output folder (dist/, dist-<env>/) to the current kubectl context with
# server-side apply, and prunes exactly the objects an earlier run of this script deployed from
# the same environment that the folder no longer has. docs/jenkins.md ("Apply mode") explains it.
#
#   scripts/deploy.sh DIR [--dry-run]
#
# DIR holds the ApplySet members (every NNNN-*.k8s.yaml) and two files kept out of the set:
#   *-deploy.k8s.yaml    the ApplySet parent's type (a CRD) and the deploy identity's RBAC
#   *-applyset.k8s.yaml  the ApplySet parent (cluster-scoped); its name is the field manager
# Steps: 1. the CRD (server-side), 2. the parent if missing (as kubectl's ApplySet field manager,
# which owns it afterwards), 3. the members with --applyset --prune, 4. the deploy identity's RBAC
# after the prune (so a run that drops the last object of a kind can still delete it).
# Never pruned: Namespaces (the deploy identity may not delete them), objects without this set's
# label (another environment's, Secrets you created), the CRD, the parent and the RBAC of step 4.
# --dry-run: every step with --dry-run=server; nothing changes. Before the first deploy (no
# parent yet) the members are checked without the prune.
# Plain POSIX sh: it runs in the pipeline's kubectl container (alpine/kubectl) as well.
set -eu

usage() { echo "usage: $0 DIR [--dry-run]" >&2; exit 2; }
[ $# -ge 1 ] && [ $# -le 2 ] || usage
DIR=$1
DRY=
if [ $# -eq 2 ]; then
  [ "$2" = --dry-run ] || usage
  DRY=--dry-run=server
fi
KUBECTL=${KUBECTL:-kubectl}
CRD=applysets.deploy.container-infra.dev
RESOURCE=applysets.deploy.container-infra.dev
PARENT_ID_LABEL=applyset.kubernetes.io/id
PARENT_TYPE_LABEL=applyset.kubernetes.io/is-parent-type

fail() { echo "deploy.sh: $*" >&2; exit 1; }
[ -d "$DIR" ] || fail "$DIR is not a directory (expected a synthesized output folder such as dist)"

# The two files outside the set; exactly one of each.
only() {
  suffix=$1
  set -- "$DIR"/*-"$suffix".k8s.yaml
  [ $# -eq 1 ] && [ -f "$1" ] || fail "$DIR must hold exactly one *-$suffix.k8s.yaml (run npx cdk8s synth)"
  echo "$1"
}
DEPLOY_FILE=$(only deploy)
PARENT_FILE=$(only applyset)

# The parent's name (metadata.name, the only two-space-indented `name:` of that one-object file).
PARENT=$(sed -n 's/^  name: *//p' "$PARENT_FILE" | head -n 1 | tr -d "\"'")
[ -n "$PARENT" ] || fail "$PARENT_FILE has no metadata.name"
FIELD_MANAGER=$PARENT

set --
for f in "$DIR"/*.k8s.yaml; do
  case "$f" in "$DEPLOY_FILE" | "$PARENT_FILE") ;; *) set -- "$@" -f "$f" ;; esac
done
[ $# -gt 0 ] || fail "$DIR has no manifests besides the deploy files"

apply() { "$KUBECTL" apply --server-side --field-manager="$FIELD_MANAGER" ${DRY:+"$DRY"} "$@"; }

# 1. The parent's type. Applied every run (a changed CRD reaches the cluster); waited for when new.
have_type=0
if "$KUBECTL" get customresourcedefinition "$CRD" >/dev/null 2>&1; then have_type=1; fi
apply -f "$DEPLOY_FILE" -l "$PARENT_TYPE_LABEL=true"
if [ "$have_type" = 0 ] && [ -z "$DRY" ]; then
  "$KUBECTL" wait --for=condition=Established --timeout=60s "customresourcedefinition/$CRD"
  have_type=1
fi

# 2. The parent, created once. kubectl's ApplySet code updates it under this field manager, so
#    creating it under the same one means later updates never conflict with the creation.
have_parent=0
if [ "$have_type" = 1 ] && "$KUBECTL" get "$RESOURCE" "$PARENT" >/dev/null 2>&1; then
  have_parent=1
elif [ "$have_type" = 1 ]; then
  "$KUBECTL" apply --server-side --field-manager=kubectl-applyset ${DRY:+"$DRY"} -f "$PARENT_FILE" -l "$PARENT_ID_LABEL"
  [ -n "$DRY" ] || have_parent=1
fi

# 3. The members. ApplySet pruning is alpha in kubectl (KUBECTL_APPLYSET=true).
if [ "$have_parent" = 1 ]; then
  KUBECTL_APPLYSET=true apply --prune --applyset="$RESOURCE/$PARENT" "$@"
else
  echo "deploy.sh: first deploy of $PARENT: checking the manifests without pruning (nothing to prune yet)" >&2
  apply "$@"
fi

# 4. The deploy identity (absent without Jenkins), after the prune: its rights shrink only once
#    nothing needs them.
if [ "$(grep -c '^kind: ' "$DEPLOY_FILE")" -gt 1 ]; then
  apply -f "$DEPLOY_FILE" -l "!$PARENT_TYPE_LABEL"
fi
