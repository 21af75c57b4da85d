/** The `--help` texts of kubectl-mce, one per command. */

const CONNECTION_FLAGS = `Flags:
  -n, --namespace NS    namespace of the AgentRollout (default: the context's, else "default")
      --kubeconfig PATH kubeconfig file (default: $KUBECONFIG, in-cluster, ~/.kube/config)
      --context NAME    kubeconfig context to use
  -h, --help            show this help`;

export const HELP = {
  root: `kubectl mce: operate the mce-maestro-operator from the command line.

Usage:
  kubectl mce rollout SUBCOMMAND [flags]

Commands:
  rollout status NAME          show the progress of an AgentRollout (--watch to follow it)
  rollout pause NAME           start no new cluster
  rollout resume NAME          go on after a pause or a failure-budget halt
  rollout approve NAME GROUP   approve a gated decision group for the current revision
  rollout rollback NAME        revert the clusters of the current revision

Run "kubectl mce rollout SUBCOMMAND --help" for the flags of a command.
Exit codes: 0 success, 1 error (or a failed rollout with status --watch), 2 usage error.`,

  rollout: `Manage AgentRollouts (maestro.multicluster.openshift.io/v1alpha1).

Usage:
  kubectl mce rollout status NAME [-n NS] [-w|--watch]
  kubectl mce rollout pause NAME [-n NS]
  kubectl mce rollout resume NAME [-n NS]
  kubectl mce rollout approve NAME GROUP [-n NS]
  kubectl mce rollout rollback NAME [-n NS]

${CONNECTION_FLAGS}`,

  status: `Show the progress of an AgentRollout: phase, target, revision, message, overall progress, a
bar per decision group, approvals, halts and the first failed clusters.

Usage:
  kubectl mce rollout status NAME [-n NS] [-w|--watch]

With --watch, redraw on every change until the phase is terminal, then exit 0 for Succeeded and
1 for Failed, Aborted or RolledBack (Ctrl-C exits 130). Without a terminal, print plain lines.

  -w, --watch           follow the rollout until it finishes
${CONNECTION_FLAGS}`,

  pause: `Pause an AgentRollout: set spec.paused. No new cluster starts; clusters in flight are still
tracked.

Usage:
  kubectl mce rollout pause NAME [-n NS]

${CONNECTION_FLAGS}`,

  resume: `Resume an AgentRollout: clear spec.paused and stamp the
rollout.maestro.multicluster.openshift.io/resume-requested-at annotation with now, which also
resumes a pause decided by a failure budget (the failures so far are forgiven).

Usage:
  kubectl mce rollout resume NAME [-n NS]

${CONNECTION_FLAGS}`,

  approve: `Approve a gated decision group of an AgentRollout for its current revision (status.revision):
adds {groupName: GROUP, revision} to spec.approved. Refused when GROUP has no gate in
spec.approvals. Approvals do not carry over to a new revision.

Usage:
  kubectl mce rollout approve NAME GROUP [-n NS]

${CONNECTION_FLAGS}`,

  rollback: `Roll back the current revision of an AgentRollout: stamp the
rollout.maestro.multicluster.openshift.io/rollback-requested-at annotation with now; the
controller reverts the clusters it changed, wave by wave, to what they ran before.

Usage:
  kubectl mce rollout rollback NAME [-n NS]

${CONNECTION_FLAGS}`,
} as const;

export type HelpTopic = keyof typeof HELP;
