/**
 * Which objects stand for pods, and where their pod template lives. One list for the analyzer
 * and the linter, so both agree on what a workload is.
 */
import { isRecord } from './object-fields.js';

/** Kinds whose objects create pods from a template, with the path of that template. */
export const WORKLOAD_TEMPLATE_PATHS: Readonly<Record<string, readonly string[]>> = {
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

/** A kind that creates pods from a template. */
export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'ReplicaSet' | 'ReplicationController' | 'Job' | 'CronJob';

/** The pod-shaped part of a Pod or workload: its pod metadata and pod spec, and where they sit. */
export interface PodShape {
  /** `spec.template` for most workloads; `''` for a Pod, whose metadata and spec are its own. */
  readonly templateField: string;
  /** The pod template (for a Pod: the Pod itself); `undefined` when a workload lacks it. */
  readonly template: unknown;
  readonly metadata: Record<string, unknown>;
  readonly spec: unknown;
}

function readPath(root: unknown, path: readonly string[]): unknown {
  let value: unknown = root;
  for (const key of path) value = isRecord(value) ? value[key] : undefined;
  return value;
}

/** Whether `kind` is a workload kind that creates pods from a template. */
export function isWorkloadKind(kind: unknown): kind is WorkloadKind {
  return typeof kind === 'string' && Object.hasOwn(WORKLOAD_TEMPLATE_PATHS, kind);
}

/** The pod-shaped part of a Pod or workload object; `undefined` for every other kind. */
export function podShapeOf(object: unknown): PodShape | undefined {
  if (!isRecord(object)) return undefined;
  if (object.kind === 'Pod') {
    return { templateField: '', template: object, metadata: isRecord(object.metadata) ? object.metadata : {}, spec: object.spec };
  }
  if (!isWorkloadKind(object.kind)) return undefined;
  const path = WORKLOAD_TEMPLATE_PATHS[object.kind]!;
  const template = readPath(object, path);
  return {
    templateField: path.join('.'),
    template,
    metadata: isRecord(template) && isRecord(template.metadata) ? template.metadata : {},
    spec: isRecord(template) ? template.spec : undefined,
  };
}

/**
 * Whether the pods of a Pod or workload use the node's network namespace. Their traffic carries
 * the node's IP, and NetworkPolicy neither selects nor protects them.
 */
export function usesHostNetwork(shape: PodShape): boolean {
  return isRecord(shape.spec) && shape.spec.hostNetwork === true;
}
